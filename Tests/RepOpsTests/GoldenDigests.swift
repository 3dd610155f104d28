/// Golden digests of the canonical workload, produced once by `gensyn-repops digest --json`
/// (after checking that it printed the same on avx2 × 1, 2, 7 threads and portable × 1, 3) and
/// committed. A change here is a change of RepOps' bits and needs a reason in Docs/RepOps.md.
/// The `math_*` entries and every op using exp/log/tanh/erf/sigmoid change when the math library
/// replaces the placeholder functions behind `repops_math_seam.h`: regenerate them then.
enum GoldenDigests {
    /// The overall digest of the full workload (including the large GEMMs).
    static let combined = "c573e8154f77c4bde39a1675f4e603bf727bcbf6877c00753a317f1ea55bb9d1"

    static let ops: [String: String] = [
        "rng_uniform": "9d59a9792a0dafe658d91a41ad9b19d558768414dad55f469d31c2ed75480a91",
        "rng_normal": "b601d62c56858c2b57e438bdfeaadb1bd8f71669371c0d1c9df1234e249aa8a1",
        "gemm_1x1x1": "00e26fea4efd261acfb928d553d2dc52983269470acd4915afd924cc4e4016cb",
        "gemm_7x13x5": "45bbafe6df509be35ec9b687ce3c7998596f15bd275213508228e663b4612625",
        "gemm_129x257x65": "7b6d49e1e5e0527462ff8aed370a15c7f10f77cbb5b8adcf5a493ea584438a68",
        "gemm_6x256x16": "8b3661f3128104610e0759736e9a621fa6a982d4fd6d77ab5c778c6a3a929719",
        "gemm_100x1x37": "30930912c2b62672591cac714437368f954c0f7b8d680be98dcaa6630cd6af4f",
        "gemm_1000x1000x1000": "b14b1c5d8db4c56c3c87c333cac043eda625aec558e432b111fca121dd46b71a",
        "gemm_tt_33x45x17": "f41bd92be2d3ecccd8d90b450ade3c117e149a5b8098c7935e0632d5c2f83851",
        "gemm_nt_33x45x17": "a4ea5cb211458e1fb0c25414958b57b2c7fec00546c7b11985c49eea8bf691d8",
        "gemm_tn_33x45x17": "1d5b3f49a15658c1686d79b73d09b61833ff6d96c9e127560d957d388a957015",
        "gemm_bias_33x45x17": "4c5d0e574251c43398e05442b58475a464a993a008dcc8f525ac1e6f565466f3",
        "gemm_batched_3x20x30x41": "9899d9ced0a9e9cc97a9f96e84ae6d32a14a6cb553e2d82e6e1932e9a48bc739",
        "gemm_512x1024x768_bias": "9a15ce24dfaf9d49cbac89710934ed599ea87cfd3a5a8dc6ac743473dccd45fa",
        "add_broadcast": "5c867cb682bfb05a4e35292778b77176609cdc5bdfe8a423d09f584edc40e1d0",
        "sub_broadcast": "bc43a478d839b544a9fb19ceed6c4635e6b0225ed6842d340681f70391dc75c6",
        "mul_broadcast": "37ce19f6709bffee2813575d5aee41f2d9b5a0a67f32bfe9cf57d91a5de86c0b",
        "div_broadcast": "0b9b98a8dc4aff42d630ea1afe5b813d25dcb233c101db0125059527d942a6c4",
        "scale": "bc70b2e639db4da723429bba2280458ac3d140cf756ed8cdd0887daeb93dbb5a",
        "relu": "da2d77e65415689832faca6278e9c2a5f5eead9099731774efd05e208c0494ba",
        "gelu": "c27f39726a55774bcba770eb0d365ae21f29f3825cb38c66cc96c579966055ff",
        "gelu_tanh": "0bb742c004f95d7292ca8d6b1a0f5de45697c3578a9d5b7f291e497ca009c321",
        "silu": "133a7aecee5138ef8423f2f6ba6c5ab9b7754fa45474e7a40dd7a8ce58b05e67",
        "tanh": "e05120ee556fc499b28d189ad788a6df80c84ceecbbf5989431e0bf40deca2bd",
        "sigmoid": "253c1838c5a1b9977f41737e03a99d131aafd9794d24d9668346789f3c0a6c91",
        "softmax": "06e8c655f6be599ba1facd412421b5132e7bcb8856721951ef53a4ffc5045d33",
        "log_softmax": "ff82dd83b7c245f38aae5ef50da5c900639b6b90ea24c9c3e856bcbfb7f623d1",
        "layernorm": "3b61acfd44a2012eed3c0bfea48934bc56a5518f7c250e1141b9122c16591962",
        "rmsnorm": "b44b2fd2921233cf1e1a19747bba97ce352eaa0d73f305b856209354ad8abb96",
        "sum": "0a5c9f0914458426d7e29bc29fc9875641866fc1c82a8a04b11eb6ce0a8d0e4a",
        "transpose": "8fd346d36dac666467822394a41b750cc2596d3319909d516484f02a0b16872e",
        "concat": "e400ba9f155ad858e10fc9a5d2b238bc86389b495452d24dc484c74fec8103af",
        "embedding": "26ca1890bcf6ea7096bc50a8ec007854e02698a0c39b57209b5f6605b03378e4",
        "attention": "fdca841c53d4f35701fb757b755001e5916a30af9917bd4c0c8bb9961db759b0",
        "cross_entropy_losses": "f17ae38d544dcf64116b1c9c0f83570f6849ab8306c5ea18ff7d0836ddfa0d1c",
        "cross_entropy_mean": "faf9beaf5693b96d2f80fe300e319e48cfe2135139d1e94be234e6f66a2aec9c",
        "argmax": "bbd25c16f81499a2786ce040e6069a8e178750386cd9e1ceb4fd2fb2ee52308e",
        "topk": "711db471e028ce590447a7acc8c2413a7dabaca7122b5997056049ef9103aef6",
        "topp": "211cf0152385c01b86db27bf1f38fcad8e37250f580b43a12be71b6452530ca5",
        "sample": "47dc1ba6a93484f0869d4686a85cc53a6b1cfb1612d232737866a4524e123803",
        "dropout": "999812de35a6e96fafa370bb046b61f4cfd37ce01ee06459308c562789c4b08e",
        "math_exp_special": "bdf28e9bb98c8ffc634aee40c505318c6cac43dbd085fc5279cfe63cead3578c",
        "math_log_special": "e961f3f36e3074258f4d3eb5378fe64a9e9f2981d2e1c85d22bdb8c285ae3ede",
        "math_tanh_special": "a6d009b630d660d90328edc05e853b3da093c87057e2716756b706c8ca8beeac",
        "math_sigmoid_special": "ec6e094463ba2fa4d78d9cf8c79ef21ab02685e05d4f8810c5761255df843c9e",
        "math_erf_special": "7ececdc102b56aa6c3eccb644d129d888500e3a1bc3269e64147ad497a90b228",
        "math_gelu_special": "f527bcc0c9476519902d7e79e0c0829c157409d9e088dffc20753fe2d48217e5",
        "math_gelu_tanh_special": "dae0e8a94ed0648108b7de2629a66acc42ce18a15e8b142ebd12fa32c79fa478",
        "math_silu_special": "bcd81261108fae77254e694681acbcd7698814513c0e763c9e9bdd4fe2ad2705",
        "math_relu_special": "b7f5a444b32b14a8a4a48e59c9ae83d08deca419b2b9dd7679e4916daa8917f2",
    ]
}
