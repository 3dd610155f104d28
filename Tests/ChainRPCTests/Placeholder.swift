import ChainRPC
