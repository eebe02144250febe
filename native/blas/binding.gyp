# The BLAS matrix-product addon (Node-API, so one build serves Node and VS Code's Electron).
# Built by scripts/build-native.mjs; optional: trainers fall back to stock wasm when it is absent.
{
  "targets": [
    {
      "target_name": "dropout_blas",
      "sources": ["gemm.c"],
      "cflags": ["-O3", "-std=c11", "-ffp-contract=off", "-fno-math-errno"],
      "conditions": [
        ["OS=='linux'", {
          "include_dirs": ["/usr/include/x86_64-linux-gnu/openblas-pthread", "/usr/include/aarch64-linux-gnu/openblas-pthread", "/usr/include/openblas"],
          "libraries": ["-lopenblas"]
        }],
        ["OS=='mac'", {
          "defines": ["ACCELERATE_NEW_LAPACK"],
          "libraries": ["-framework Accelerate"]
        }]
      ]
    }
  ]
}
