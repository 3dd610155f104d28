#!/usr/bin/env python3
"""A tiny JSON-RPC 2.0 server over HTTP in front of py-evm (through eth-tester), for integration tests.

Usage: server.py [--port N] [--host 127.0.0.1]   (port 0 picks a free port)
Prints one line `LISTENING <port>` on stdout once ready, then serves single-threaded until killed.

The node: chain id 131277322940537, ten funded accounts with private keys 0x…01 to 0x…0a, a block is
mined for every transaction. Adapts eth-tester's Python answers to wire JSON: ints become 0x-quantities,
snake_case keys become camelCase, bytes become 0x-hex; eth_getLogs takes `address` as a list; a revert
in eth_call/eth_estimateGas is returned as error 3 with `Error(string)` data rebuilt from the message.
"""
import argparse
import json
import os
import re
import signal
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer

from eth_abi import encode as abi_encode
from eth_tester.exceptions import TransactionFailed
from web3.providers.eth_tester import EthereumTesterProvider

provider = EthereumTesterProvider()
FUNDED = provider.make_request("eth_accounts", [])["result"]
BLOCK_PARAM = {"eth_getBlockByNumber": 0, "eth_getBalance": 1, "eth_getTransactionCount": 1, "eth_call": 1,
               "eth_getCode": 1, "eth_getStorageAt": 2, "eth_getBlockTransactionCountByNumber": 0}

# Keys that stay hex data even though eth-tester returns ints for them.
BLOOM_KEYS = {"logsBloom"}


def camel(key):
    return re.sub(r"_([a-z])", lambda m: m.group(1).upper(), key)


def to_wire(value, key=None):
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        if key in BLOOM_KEYS:
            return "0x" + value.to_bytes(256, "big").hex()
        return hex(value)
    if isinstance(value, (bytes, bytearray)):
        return "0x" + bytes(value).hex()
    if isinstance(value, dict):
        return {camel(k): to_wire(v, camel(k)) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_wire(v) for v in value]
    return value


def revert_data(message):
    text = str(message)
    for prefix in ("execution reverted: ", "execution reverted"):
        if text.startswith(prefix):
            text = text[len(prefix):]
    return "0x08c379a0" + abi_encode(["string"], [text]).hex()


def handle(call):
    if not isinstance(call, dict) or "method" not in call:
        return {"jsonrpc": "2.0", "id": None, "error": {"code": -32600, "message": "invalid request"}}
    method, params, rid = call["method"], call.get("params", []), call.get("id")
    if method == "eth_getLogs" and params and isinstance(params[0], dict):
        f = params[0]
        if isinstance(f.get("address"), str):
            f["address"] = [f["address"]]
        for wire, py in (("fromBlock", "from_block"), ("toBlock", "to_block"), ("blockHash", "block_hash")):
            if wire in f:
                value = f.pop(wire)
                if py != "block_hash" and value == "earliest":
                    value = 0  # eth-tester matches nothing for the "earliest" tag
                elif py != "block_hash" and isinstance(value, str) and value.startswith("0x"):
                    value = int(value, 16)
                f[py] = value
    if method in ("eth_call", "eth_estimateGas") and params and isinstance(params[0], dict):
        params[0].setdefault("from", FUNDED[0])
        for k in ("value", "gas", "gasPrice", "maxFeePerGas", "maxPriorityFeePerGas", "nonce"):
            v = params[0].get(k)
            if isinstance(v, str) and v.startswith("0x"):
                params[0][k] = int(v, 16)
    # Block numbers arrive as 0x-quantities; eth-tester wants ints (tags like "latest" pass through).
    position = BLOCK_PARAM.get(method)
    if position is not None and len(params) > position and isinstance(params[position], str) and params[position].startswith("0x"):
        params[position] = int(params[position], 16)
    if method == "eth_feeHistory" and params and isinstance(params[0], str):
        params[0] = int(params[0], 16)
    try:
        response = provider.make_request(method, params)
    except TransactionFailed as error:
        message = error.args[0] if error.args else "reverted"
        if isinstance(message, (bytes, bytearray)):
            data = "0x" + bytes(message).hex()
        else:
            data = revert_data(message)
        return {"jsonrpc": "2.0", "id": rid, "error": {"code": 3, "message": "execution reverted", "data": data}}
    except Exception as error:  # noqa: BLE001 - every failure is reported to the client
        return {"jsonrpc": "2.0", "id": rid, "error": {"code": -32000, "message": f"{type(error).__name__}: {error}"}}
    out = {"jsonrpc": "2.0", "id": rid}
    if "error" in response:
        error = response["error"]
        out["error"] = error if isinstance(error, dict) else {"code": -32000, "message": str(error)}
    else:
        result = to_wire(response.get("result"))
        if isinstance(result, dict) and result.get("to") == "":
            result["to"] = None
        out["result"] = result
    return out


class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        try:
            body = json.loads(self.rfile.read(length))
            reply = [handle(c) for c in body] if isinstance(body, list) else handle(body)
        except json.JSONDecodeError:
            reply = {"jsonrpc": "2.0", "id": None, "error": {"code": -32700, "message": "parse error"}}
        data = json.dumps(reply).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


def exit_with_parent():
    """Stops the server when the process that started it dies (a crashed test run leaves no node behind)."""
    parent = os.getppid()
    while True:
        time.sleep(0.5)
        if os.getppid() != parent:
            os._exit(0)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--host", default="127.0.0.1")
    args = parser.parse_args()
    server = HTTPServer((args.host, args.port), Handler)
    # A parent may start us with signals blocked; make SIGTERM/SIGINT stop the server.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    threading.Thread(target=exit_with_parent, daemon=True).start()
    print(f"LISTENING {server.server_address[1]}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
