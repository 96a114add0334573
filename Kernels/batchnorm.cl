// Batch norm over the last axis of a [rows, C] view (NHWC: rows = n*h*w). Elementwise passes:
// one work-item per element.
#include "reduce.h"

// Statistics and gradient sums are column reductions of the [rows, C] view. Rows are cut into
// chunks; work-item (4 channels, chunk) sums its chunk with contiguous float4 loads (the
// layout of reduce.cl's column_sum) into partials [chunks][C], and a finishing kernel combines
// the chunks per channel. Assumes C % 4 == 0 (the host uses the group kernels below otherwise).

// One pass per chunk for both moments: the chunk's mean and its sum of squared deviations
// M2, from sums of d = x - (the chunk's first row), so a large common offset does not cancel
// (the shift is a sample of the same column, within a few standard deviations of the mean).
__kernel void batchnorm_moment_partials(__global const float *x, int rows, int C, int chunk_rows,
                                        __global float *part_mean, __global float *part_m2) {
    const int c0 = get_global_id(0) * 4, chunk = get_global_id(1);
    const int r0 = chunk * chunk_rows, r1 = min(rows, r0 + chunk_rows);
    if (c0 >= C || r0 >= rows) return;
    const float4 shift = vload4(0, x + r0 * C + c0);
    float4 s1 = (float4)(0.0f), s2 = (float4)(0.0f);
    for (int r = r0; r < r1; ++r) {
        const float4 d = vload4(0, x + r * C + c0) - shift;
        s1 += d;
        s2 = fma(d, d, s2);
    }
    const float n = (float)(r1 - r0);
    vstore4(shift + s1 / n, 0, part_mean + chunk * C + c0);
    vstore4(fmax(s2 - s1 * s1 / n, (float4)(0.0f)), 0, part_m2 + chunk * C + c0);
}

// mean, 1/sqrt(var + eps) and PyTorch's running-statistics update (unbiased variance) from
// the chunks' means and M2s, combined as Chan et al.: M2 = sum(M2_k + n_k (mean_k - mean)^2).
__kernel void batchnorm_finish_statistics(__global const float *part_mean, __global const float *part_m2, int chunks, int rows,
                                          int C, int chunk_rows, float eps, float momentum, __global float *mean,
                                          __global float *inv_std, __global float *running_mean, __global float *running_var) {
    const int c = get_global_id(0);
    if (c >= C) return;
    float total = 0.0f;
    for (int k = 0; k < chunks; ++k) total += min(chunk_rows, rows - k * chunk_rows) * part_mean[k * C + c];
    const float mu = total / rows;
    float m2 = 0.0f;
    for (int k = 0; k < chunks; ++k) {
        const float d = part_mean[k * C + c] - mu;
        m2 += part_m2[k * C + c] + min(chunk_rows, rows - k * chunk_rows) * d * d;
    }
    mean[c] = mu;
    m2 = fmax(m2, 0.0f);
    inv_std[c] = 1.0f / sqrt(m2 / rows + eps);
    running_mean[c] = (1.0f - momentum) * running_mean[c] + momentum * mu;
    running_var[c] = (1.0f - momentum) * running_var[c] + momentum * (m2 / (rows - 1));
}

// Backward partials: sum dy and sum dy * xhat per chunk.
__kernel void batchnorm_backward_partials(__global const float *x, __global const float *dy, __global const float *mean,
                                          __global const float *inv_std, int rows, int C, int chunk_rows,
                                          __global float *part_dy, __global float *part_dy_xhat) {
    const int c0 = get_global_id(0) * 4, chunk = get_global_id(1);
    const int r0 = chunk * chunk_rows, r1 = min(rows, r0 + chunk_rows);
    if (c0 >= C || r0 >= rows) return;
    const float4 mu = vload4(0, mean + c0), inv = vload4(0, inv_std + c0);
    float4 sum_dy = (float4)(0.0f), sum_dy_xhat = (float4)(0.0f);
    for (int r = r0; r < r1; ++r) {
        const float4 g = vload4(0, dy + r * C + c0);
        sum_dy += g;
        sum_dy_xhat = fma(g, (vload4(0, x + r * C + c0) - mu) * inv, sum_dy_xhat);
    }
    vstore4(sum_dy, 0, part_dy + chunk * C + c0);
    vstore4(sum_dy_xhat, 0, part_dy_xhat + chunk * C + c0);
}

// One work-group per channel: the general form for any C (e.g. the odd channel counts of the
// op checks). Two passes for the variance (mean first, then squared deviations from it).
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

// The same, four elements (channels) per work-item with float4 loads; needs C % 4 == 0 (every
// layer of the networks). On POCL the one-element form took 5.5-7x as long (resnet-fer's
// seven plain batch norms: 11.5 against 1.6-2.1 ms per training step).
__kernel void batchnorm_normalize4(__global const float *x, __global const float *gamma, __global const float *beta,
                                   __global const float *mean, __global const float *inv_std,
                                   __global float *y, int count, int C) {
    const int e = get_global_id(0) * 4;
    if (e >= count) return;
    const int c = e % C;
    vstore4(vload4(0, gamma + c) * (vload4(0, x + e) - vload4(0, mean + c)) * vload4(0, inv_std + c) + vload4(0, beta + c), 0, y + e);
}

// The same with the running statistics (evaluation mode), one work-item per (channel, row): the
// channel is the work-item's first index instead of a remainder per element, so POCL runs a
// group's channels in SIMD lanes with contiguous loads of the per-channel statistics. Same
// arithmetic as the one-index form it replaced.
__kernel void batchnorm_inference(__global const float *x, __global const float *gamma, __global const float *beta,
                                  __global const float *running_mean, __global const float *running_var, float eps,
                                  __global float *y, int rows, int C) {
    const int c = get_global_id(0), r = get_global_id(1);
    if (c >= C || r >= rows) return;
    const int e = r * C + c;
    y[e] = gamma[c] * (x[e] - running_mean[c]) / sqrt(running_var[c] + eps) + beta[c];
}

// dbeta = sum dy, dgamma = sum dy * xhat, per channel; the general form for any C.
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

// The same, four elements (channels) per work-item; C % 4 == 0 (see batchnorm_normalize4).
__kernel void batchnorm_backward_data4(__global const float *x, __global const float *dy, __global const float *gamma,
                                       __global const float *mean, __global const float *inv_std,
                                       __global const float *dgamma, __global const float *dbeta,
                                       __global float *dx, int count, int rows, int C) {
    const int e = get_global_id(0) * 4;
    if (e >= count) return;
    const int c = e % C;
    const float4 inv = vload4(0, inv_std + c);
    const float4 xhat = (vload4(0, x + e) - vload4(0, mean + c)) * inv;
    const float m = (float)rows;
    vstore4(vload4(0, gamma + c) * inv / m * (m * vload4(0, dy + e) - vload4(0, dbeta + c) - xhat * vload4(0, dgamma + c)), 0, dx + e);
}
