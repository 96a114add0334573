// Batch norm over the last axis of a [rows, C] view (NHWC: rows = n*h*w). Statistics and
// gradient sums: one work-group of REDUCE_WG work-items per channel. Elementwise passes:
// one work-item per element.
#include "reduce.h"

// mean and biased variance in two passes (the second over x - mean, so that large means
// do not cancel), then 1/sqrt(var + eps) and PyTorch's running-statistics update, which
// uses the unbiased variance.
__kernel void batchnorm_statistics(__global const float *x, int rows, int C, float eps, float momentum,
                                   __global float *mean, __global float *inv_std,
                                   __global float *running_mean, __global float *running_var) {
    __local float scratch[REDUCE_WG];
    const int c = get_group_id(0), lid = get_local_id(0);
    float acc = 0.0f;
    for (int r = lid; r < rows; r += REDUCE_WG) acc += x[r * C + c];
    const float mu = group_sum(acc, scratch) / rows;
    acc = 0.0f;
    for (int r = lid; r < rows; r += REDUCE_WG) {
        const float d = x[r * C + c] - mu;
        acc = fma(d, d, acc);
    }
    const float squares = group_sum(acc, scratch);
    if (lid == 0) {
        mean[c] = mu;
        inv_std[c] = 1.0f / sqrt(squares / rows + eps);
        running_mean[c] = (1.0f - momentum) * running_mean[c] + momentum * mu;
        running_var[c] = (1.0f - momentum) * running_var[c] + momentum * (squares / (rows - 1));
    }
}

// y = gamma * (x - mean) * inv_std + beta, with the batch's saved statistics.
__kernel void batchnorm_normalize(__global const float *x, __global const float *gamma, __global const float *beta,
                                  __global const float *mean, __global const float *inv_std,
                                  __global float *y, int count, int C) {
    const int e = get_global_id(0);
    if (e >= count) return;
    const int c = e % C;
    y[e] = gamma[c] * (x[e] - mean[c]) * inv_std[c] + beta[c];
}

// The same with the running statistics (evaluation mode).
__kernel void batchnorm_inference(__global const float *x, __global const float *gamma, __global const float *beta,
                                  __global const float *running_mean, __global const float *running_var, float eps,
                                  __global float *y, int count, int C) {
    const int e = get_global_id(0);
    if (e >= count) return;
    const int c = e % C;
    y[e] = gamma[c] * (x[e] - running_mean[c]) / sqrt(running_var[c] + eps) + beta[c];
}

// dbeta = sum dy, dgamma = sum dy * xhat, per channel.
__kernel void batchnorm_backward_reduce(__global const float *x, __global const float *dy,
                                        __global const float *mean, __global const float *inv_std,
                                        int rows, int C, __global float *dgamma, __global float *dbeta) {
    __local float scratch[REDUCE_WG];
    const int c = get_group_id(0), lid = get_local_id(0);
    const float mu = mean[c], inv = inv_std[c];
    float sum_dy = 0.0f, sum_dy_xhat = 0.0f;
    for (int r = lid; r < rows; r += REDUCE_WG) {
        const float g = dy[r * C + c];
        sum_dy += g;
        sum_dy_xhat = fma(g, (x[r * C + c] - mu) * inv, sum_dy_xhat);
    }
    const float total_dy = group_sum(sum_dy, scratch);
    const float total_dy_xhat = group_sum(sum_dy_xhat, scratch);
    if (lid == 0) {
        dbeta[c] = total_dy;
        dgamma[c] = total_dy_xhat;
    }
}

// dx = gamma * inv_std / M * (M * dy - dbeta - xhat * dgamma)
__kernel void batchnorm_backward_data(__global const float *x, __global const float *dy, __global const float *gamma,
                                      __global const float *mean, __global const float *inv_std,
                                      __global const float *dgamma, __global const float *dbeta,
                                      __global float *dx, int count, int rows, int C) {
    const int e = get_global_id(0);
    if (e >= count) return;
    const int c = e % C;
    const float inv = inv_std[c];
    const float xhat = (x[e] - mean[c]) * inv;
    dx[e] = gamma[c] * inv / rows * (rows * dy[e] - dbeta[c] - xhat * dgamma[c]);
}
