// Batch norm (given statistics), ReLU and 2x2 max-pool fused, NHWC, C % 4 == 0 (the host
// composes the unfused kernels otherwise); the twin of ReferenceBackend/BatchNormReLUPool.swift.
// The forward pass never stores the batch-norm output; the backward pass never stores the
// gradient reaching batch norm (outputGrad at each window's argmax, 0 elsewhere) but rebuilds
// it from the pooled gradient and argmax, a quarter of the traffic.
//
// Work-items of the window kernels are (4 channels, output column, image row n*OH + oy), as in
// pool.cl.
#include "pool.h"

// y = relu(max over the window of gamma * (x - mean) * inv_std + beta); argmax -1 where not positive.
__kernel void batchnorm_relu_pool_forward4(__global const float *x, __global const float *gamma, __global const float *beta,
                                           __global const float *mean, __global const float *inv_std,
                                           __global float *y, __global int *argmax, int N, int H, int W, int C, int OH, int OW) {
    const int c = get_global_id(0) * 4, ox = get_global_id(1), row = get_global_id(2);
    if (c >= C || ox >= OW || row >= N * OH) return;
    const int n = row / OH, oy = row - n * OH;
    const float4 g = vload4(0, gamma + c), b = vload4(0, beta + c), mu = vload4(0, mean + c), inv = vload4(0, inv_std + c);
    __global const float *base = x + ((n * H + 2 * oy) * W + 2 * ox) * C + c;
    float4 best;
    int4 position;
    window_max4(g * (vload4(0, base) - mu) * inv + b, g * (vload4(0, base + C) - mu) * inv + b,
                g * (vload4(0, base + W * C) - mu) * inv + b, g * (vload4(0, base + W * C + C) - mu) * inv + b, 1, &best, &position);
    const int e = (row * OW + ox) * C + c;
    vstore4(best, 0, y + e);
    vstore4(position, 0, argmax + e);
}

// Backward partials over chunks of image rows (n, oy): sum dy and sum dy * xhat per channel,
// where dy is the pooled gradient at the window's argmax (nothing for argmax -1). Pixels in no
// window have dy = 0 and add nothing. Global (C / 4, chunks); the host sums the chunks.
__kernel void batchnorm_relu_pool_backward_partials4(__global const float *x, __global const float *dy, __global const int *argmax,
                                                     __global const float *mean, __global const float *inv_std,
                                                     int N, int H, int W, int C, int OH, int OW, int chunk_rows,
                                                     __global float *part_dy, __global float *part_dy_xhat) {
    const int c = get_global_id(0) * 4, chunk = get_global_id(1);
    const int r0 = chunk * chunk_rows, r1 = min(N * OH, r0 + chunk_rows);
    if (c >= C || r0 >= N * OH) return;
    const float4 mu = vload4(0, mean + c), inv = vload4(0, inv_std + c), zero = (float4)(0.0f);
    float4 sum_dy = zero, sum_dy_xhat = zero;
    for (int row = r0; row < r1; ++row) {
        const int n = row / OH, oy = row - n * OH;
        __global const float *base = x + (n * H + 2 * oy) * W * C + c;
        for (int ox = 0; ox < OW; ++ox) {
            const int e = (row * OW + ox) * C + c;
            const int4 p = vload4(0, argmax + e);
            const float4 g = select(zero, vload4(0, dy + e), p >= 0);
            __global const float *window = base + 2 * ox * C;
            float4 chosen = vload4(0, window);
            chosen = select(chosen, vload4(0, window + C), p == 1);
            chosen = select(chosen, vload4(0, window + W * C), p == 2);
            chosen = select(chosen, vload4(0, window + W * C + C), p == 3);
            sum_dy += g;
            sum_dy_xhat = fma(g, (chosen - mu) * inv, sum_dy_xhat);
        }
    }
    vstore4(sum_dy, 0, part_dy + chunk * C + c);
    vstore4(sum_dy_xhat, 0, part_dy_xhat + chunk * C + c);
}

// dx = gamma * inv_std / M * (M * dy - dbeta - xhat * dgamma) for the window's four pixels
// (dy = the pooled gradient at the argmax, else 0) and, on the last window row/column of odd
// H/W, for the pixels in no window (dy = 0).
inline void store_input_grad(__global const float *x, __global float *dx, int offset, float4 dy, float4 mu, float4 inv,
                             float4 k, float4 m, float4 dbeta, float4 dgamma) {
    const float4 xhat = (vload4(0, x + offset) - mu) * inv;
    vstore4(k * (m * dy - dbeta - xhat * dgamma), 0, dx + offset);
}

__kernel void batchnorm_relu_pool_backward_data4(__global const float *x, __global const float *dy, __global const int *argmax,
                                                 __global const float *gamma, __global const float *mean, __global const float *inv_std,
                                                 __global const float *dgamma, __global const float *dbeta, __global float *dx,
                                                 int N, int H, int W, int C, int OH, int OW) {
    const int c = get_global_id(0) * 4, ox = get_global_id(1), row = get_global_id(2);
    if (c >= C || ox >= OW || row >= N * OH) return;
    const int n = row / OH, oy = row - n * OH;
    const float rows = (float)(N * H * W);
    const float4 mu = vload4(0, mean + c), inv = vload4(0, inv_std + c), zero = (float4)(0.0f);
    const float4 k = vload4(0, gamma + c) * inv / rows, m = (float4)(rows);
    const float4 db = vload4(0, dbeta + c), dg = vload4(0, dgamma + c);
    const int e = (row * OW + ox) * C + c;
    const float4 g = vload4(0, dy + e);
    const int4 p = vload4(0, argmax + e);
    const int offset = ((n * H + 2 * oy) * W + 2 * ox) * C + c, down = W * C;
    store_input_grad(x, dx, offset, select(zero, g, p == 0), mu, inv, k, m, db, dg);
    store_input_grad(x, dx, offset + C, select(zero, g, p == 1), mu, inv, k, m, db, dg);
    store_input_grad(x, dx, offset + down, select(zero, g, p == 2), mu, inv, k, m, db, dg);
    store_input_grad(x, dx, offset + down + C, select(zero, g, p == 3), mu, inv, k, m, db, dg);
    const bool last_column = (W & 1) && ox == OW - 1, last_row = (H & 1) && oy == OH - 1;
    if (last_column) {
        store_input_grad(x, dx, offset + 2 * C, zero, mu, inv, k, m, db, dg);
        store_input_grad(x, dx, offset + down + 2 * C, zero, mu, inv, k, m, db, dg);
    }
    if (last_row) {
        store_input_grad(x, dx, offset + 2 * down, zero, mu, inv, k, m, db, dg);
        store_input_grad(x, dx, offset + 2 * down + C, zero, mu, inv, k, m, db, dg);
        if (last_column) store_input_grad(x, dx, offset + 2 * down + 2 * C, zero, mu, inv, k, m, db, dg);
    }
}
