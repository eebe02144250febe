/*
 * Matrix products for TF.js's wasm backend, computed by the platform's BLAS (SGEMM) on the wasm heap itself, and
 * Adam's update in one pass per variable.
 *
 * The wasm backend keeps every tensor in one WebAssembly.Memory; its ArrayBuffer is passed in with float offsets,
 * so no tensor is copied. One call: `batch` products C_i = op(A_i)·op(B_i) (row-major, as TF.js stores them), then
 * the fused-matmul epilogue (bias over the last dimension, an activation). Offsets and extents are checked against
 * the buffer: a bad call throws instead of writing outside the heap.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <node_api.h>
#ifdef __APPLE__
#include <Accelerate/Accelerate.h>
#else
#include <cblas.h>
#endif

/* The activations of tfjs-backend-wasm's FusableActivation, by the same numbers. */
enum { LINEAR = 0, RELU = 1, RELU6 = 2, PRELU = 3, LEAKYRELU = 4, SIGMOID = 5, ELU = 6 };

#define ARGC 15

static napi_value fail(napi_env env, const char *message) {
  napi_throw_error(env, NULL, message);
  return NULL;
}

/* The call's ARGC arguments, the first being the wasm heap: its floats. 0 (an error thrown) when they are not that. */
static int heap_and_args(napi_env env, napi_callback_info info, napi_value *args, float **heap, int64_t *floats, const char *name) {
  size_t argc = ARGC;
  char message[96];
  void *data = NULL;
  size_t bytes = 0;
  if (napi_get_cb_info(env, info, &argc, args, NULL, NULL) != napi_ok || argc != ARGC) {
    snprintf(message, sizeof message, "%s takes %d arguments", name, ARGC);
    fail(env, message);
    return 0;
  }
  if (napi_get_arraybuffer_info(env, args[0], &data, &bytes) != napi_ok) {
    snprintf(message, sizeof message, "%s: the heap must be an ArrayBuffer", name);
    fail(env, message);
    return 0;
  }
  *heap = (float *)data;
  *floats = (int64_t)(bytes / sizeof(float));
  return 1;
}

static int in_bounds(int64_t offset, int64_t count, int64_t floats) {
  return offset >= 0 && count >= 0 && offset + count <= floats;
}

static void epilogue(float *c, int64_t rows, int64_t cols, const float *bias, int activation, float alpha) {
  for (int64_t r = 0; r < rows; r++) {
    float *row = c + r * cols;
    for (int64_t j = 0; j < cols; j++) {
      float v = row[j] + (bias ? bias[j] : 0.0f);
      switch (activation) {
        case RELU: v = v > 0.0f ? v : 0.0f; break;
        case RELU6: v = v > 0.0f ? (v < 6.0f ? v : 6.0f) : 0.0f; break;
        case LEAKYRELU: v = v > 0.0f ? v : alpha * v; break;
        case SIGMOID: v = 1.0f / (1.0f + expf(-v)); break;
        case ELU: v = v > 0.0f ? v : expm1f(v); break;
        default: break;
      }
      row[j] = v;
    }
  }
}

/*
 * gemm(heap, batch, m, n, k, transposeA, transposeB, aOffset, aStride, bOffset, bStride, cOffset, biasOffset,
 *      activation, alpha): offsets and strides in floats; a stride of 0 reuses one matrix for every product
 * (broadcast); biasOffset < 0: no bias.
 */
static napi_value gemm(napi_env env, napi_callback_info info) {
  napi_value args[ARGC];
  float *heap = NULL;
  int64_t floats = 0;
  if (!heap_and_args(env, info, args, &heap, &floats, "gemm")) return NULL;
  int64_t v[ARGC - 2];
  for (int i = 1; i < ARGC - 1; i++) {
    if (napi_get_value_int64(env, args[i], &v[i - 1]) != napi_ok) return fail(env, "gemm: arguments 2 to 14 must be numbers");
  }
  double alpha = 0;
  if (napi_get_value_double(env, args[ARGC - 1], &alpha) != napi_ok) return fail(env, "gemm: alpha must be a number");
  const int64_t batch = v[0], m = v[1], n = v[2], k = v[3];
  const int transA = v[4] != 0, transB = v[5] != 0;
  const int64_t aOff = v[6], aStride = v[7], bOff = v[8], bStride = v[9], cOff = v[10], biasOff = v[11];
  const int activation = (int)v[12];
  if (batch < 1 || m < 1 || n < 1 || k < 0 || aStride < 0 || bStride < 0) return fail(env, "gemm: bad dimensions");
  if (activation < LINEAR || activation > ELU || activation == PRELU) return fail(env, "gemm: unsupported activation");
  if (!in_bounds(aOff, (batch - 1) * aStride + m * k, floats) || !in_bounds(bOff, (batch - 1) * bStride + k * n, floats)
      || !in_bounds(cOff, batch * m * n, floats) || (biasOff >= 0 && !in_bounds(biasOff, n, floats))) {
    return fail(env, "gemm: an operand lies outside the heap");
  }
  const float *bias = biasOff >= 0 ? heap + biasOff : NULL;
  for (int64_t i = 0; i < batch; i++) {
    float *c = heap + cOff + i * m * n;
    if (k == 0) {
      for (int64_t j = 0; j < m * n; j++) c[j] = 0.0f;
    } else {
      cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans, (int)m, (int)n, (int)k,
        1.0f, heap + aOff + i * aStride, transA ? (int)m : (int)k, heap + bOff + i * bStride, transB ? (int)k : (int)n,
        0.0f, c, (int)n);
    }
    if (bias || activation != LINEAR) epilogue(c, m, n, bias, activation, (float)alpha);
  }
  return NULL;
}

/*
 * The update itself, apart so that the compiler sees restrict pointers and a plain counted loop: the outputs are
 * fresh tensors, never an input, and the loop vectorises (4 or 8 floats at a time). hyper: learning rate, β1, β2,
 * ε, 1 − β1^t, 1 − β2^t, 1 − β1, 1 − β2.
 */
static void adam_update(int64_t n, const float *restrict value, const float *restrict gradient, const float *restrict m,
                        const float *restrict v, float *restrict outValue, float *restrict outM, float *restrict outV,
                        const float hyper[8]) {
  const float lr = hyper[0], beta1 = hyper[1], beta2 = hyper[2], epsilon = hyper[3];
  const float oneMinusAccBeta1 = hyper[4], oneMinusAccBeta2 = hyper[5], oneMinusBeta1 = hyper[6], oneMinusBeta2 = hyper[7];
  for (int64_t i = 0; i < n; i++) {
    const float g = gradient[i];
    const float newM = m[i] * beta1 + g * oneMinusBeta1;
    const float newV = v[i] * beta2 + (g * g) * oneMinusBeta2;
    const float first = newM / oneMinusAccBeta1;
    const float second = newV / oneMinusAccBeta2;
    outM[i] = newM;
    outV[i] = newV;
    outValue[i] = (first / (sqrtf(second) + epsilon)) * -lr + value[i];
  }
}

/*
 * adam(heap, n, value, gradient, m, v, outValue, outM, outV, learningRate, beta1, beta2, epsilon, oneMinusAccBeta1,
 *      oneMinusAccBeta2): one pass of TF.js's Adam update over n floats, into new tensors (never in place: kernels
 * may cache packed weights by tensor). The same float32 operations in the same order as tfjs-core's
 * AdamOptimizer.applyGradients, so that both give the same numbers (built with -ffp-contract=off: no fused
 * multiply-adds that the stock kernels do not do).
 */
static napi_value adam(napi_env env, napi_callback_info info) {
  napi_value args[ARGC];
  float *heap = NULL;
  int64_t floats = 0;
  if (!heap_and_args(env, info, args, &heap, &floats, "adam")) return NULL;
  int64_t o[8];
  for (int i = 1; i <= 8; i++) {
    if (napi_get_value_int64(env, args[i], &o[i - 1]) != napi_ok) return fail(env, "adam: arguments 2 to 9 must be numbers");
  }
  double h[6];
  for (int i = 9; i < ARGC; i++) {
    if (napi_get_value_double(env, args[i], &h[i - 9]) != napi_ok) return fail(env, "adam: arguments 10 to 15 must be numbers");
  }
  const int64_t n = o[0];
  for (int i = 1; i < 8; i++) {
    if (!in_bounds(o[i], n, floats)) return fail(env, "adam: an operand lies outside the heap");
  }
  const float hyper[8] = {
    (float)h[0], (float)h[1], (float)h[2], (float)h[3], (float)h[4], (float)h[5], (float)(1.0 - h[1]), (float)(1.0 - h[2]),
  };
  adam_update(n, heap + o[1], heap + o[2], heap + o[3], heap + o[4], heap + o[5], heap + o[6], heap + o[7], hyper);
  return NULL;
}

#if !defined(__APPLE__)
void openblas_set_num_threads(int);
#endif

static napi_value init(napi_env env, napi_value exports) {
#if !defined(__APPLE__)
  /* A trainer is one process on one core: BLAS threads would only contend with the other trainers. */
  openblas_set_num_threads(1);
#endif
  napi_value fn;
  if (napi_create_function(env, "gemm", NAPI_AUTO_LENGTH, gemm, NULL, &fn) != napi_ok) return NULL;
  if (napi_set_named_property(env, exports, "gemm", fn) != napi_ok) return NULL;
  if (napi_create_function(env, "adam", NAPI_AUTO_LENGTH, adam, NULL, &fn) != napi_ok) return NULL;
  if (napi_set_named_property(env, exports, "adam", fn) != napi_ok) return NULL;
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
