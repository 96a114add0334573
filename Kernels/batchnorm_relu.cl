// Batch norm (given statistics) and ReLU fused, without pooling; the twin of
// ReferenceBackend/BatchNormReLU.swift. The forward pass never stores the batch-norm output;
// the backward pass recomputes the ReLU's decision from x, the statistics, gamma and beta, so
// the forward pass stores nothing for it either.
//
// The decision must come out the same in both passes: both evaluate `normalized4` below, and
// contraction into fma is off in this file so that no build may round the two differently.
#pragma OPENCL FP_CONTRACT OFF

inline float4 normalized4(float4 x, float4 gamma, float4 beta, float4 mean, float4 inv_std) {
    return gamma * (x - mean) * inv_std + beta;
}

// 1/sqrt(var + eps) of the running statistics (`running` set), else the saved inv_std.
inline float4 inverse_std4(__global const float *statistic, int c, int running, float eps) {
    const float4 s = vload4(0, statistic + c);
    return running ? 1.0f / sqrt(s + eps) : s;
}

// y = relu(normalized), four elements (channels) per work-item; needs C % 4 == 0. `statistic`
// is inv_std (training) or the running variance (`running`, evaluation).
__kernel void batchnorm_relu_forward4(__global const float *x, __global const float *gamma, __global const float *beta,
                                      __global const float *mean, __global const float *statistic, int running, float eps,
                                      __global float *y, int count, int C) {
    const int e = get_global_id(0) * 4;
    if (e >= count) return;
    const int c = e % C;
    const float4 v = normalized4(vload4(0, x + e), vload4(0, gamma + c), vload4(0, beta + c), vload4(0, mean + c),
                                 inverse_std4(statistic, c, running, eps));
    vstore4(select((float4)(0.0f), v, isgreater(v, (float4)(0.0f))), 0, y + e);
}

// The same for any C, one element per work-item.
__kernel void batchnorm_relu_forward(__global const float *x, __global const float *gamma, __global const float *beta,
                                     __global const float *mean, __global const float *statistic, int running, float eps,
                                     __global float *y, int count, int C) {
    const int e = get_global_id(0);
    if (e >= count) return;
    const int c = e % C;
    const float inv = running ? 1.0f / sqrt(statistic[c] + eps) : statistic[c];
    const float v = normalized4((float4)(x[e]), (float4)(gamma[c]), (float4)(beta[c]), (float4)(mean[c]), (float4)(inv)).x;
    y[e] = v > 0.0f ? v : 0.0f;
}

// The gradient reaching batch norm, any C: dy where the ReLU passed its input, else 0 (the host
// then runs batchnorm.cl's backward pass on it).
__kernel void batchnorm_relu_mask(__global const float *x, __global const float *dy, __global const float *gamma,
                                  __global const float *beta, __global const float *mean, __global const float *inv_std,
                                  __global float *routed, int count, int C) {
    const int e = get_global_id(0);
    if (e >= count) return;
    const int c = e % C;
    const float v = normalized4((float4)(x[e]), (float4)(gamma[c]), (float4)(beta[c]), (float4)(mean[c]), (float4)(inv_std[c])).x;
    routed[e] = v > 0.0f ? dy[e] : 0.0f;
}

// Backward partials over chunks of rows, C % 4 == 0 (the layout of batchnorm.cl's): sum of the
// masked dy and of masked dy * xhat per channel. Global (C / 4, chunks); the host sums the chunks.
__kernel void batchnorm_relu_backward_partials4(__global const float *x, __global const float *dy, __global const float *gamma,
                                                __global const float *beta, __global const float *mean, __global const float *inv_std,
                                                int rows, int C, int chunk_rows, __global float *part_dy, __global float *part_dy_xhat) {
    const int c0 = get_global_id(0) * 4, chunk = get_global_id(1);
    const int r0 = chunk * chunk_rows, r1 = min(rows, r0 + chunk_rows);
    if (c0 >= C || r0 >= rows) return;
    const float4 g = vload4(0, gamma + c0), b = vload4(0, beta + c0), mu = vload4(0, mean + c0), inv = vload4(0, inv_std + c0);
    const float4 zero = (float4)(0.0f);
    float4 sum_dy = zero, sum_dy_xhat = zero;
    for (int r = r0; r < r1; ++r) {
        const float4 v = vload4(0, x + r * C + c0);
        const float4 d = select(zero, vload4(0, dy + r * C + c0), isgreater(normalized4(v, g, b, mu, inv), zero));
        sum_dy += d;
        sum_dy_xhat = fma(d, (v - mu) * inv, sum_dy_xhat);
    }
    vstore4(sum_dy, 0, part_dy + chunk * C + c0);
    vstore4(sum_dy_xhat, 0, part_dy_xhat + chunk * C + c0);
}

// dx = gamma * inv_std / M * (M * dy' - dbeta - xhat * dgamma), dy' the masked gradient; four
// elements (channels) per work-item, C % 4 == 0.
__kernel void batchnorm_relu_backward_data4(__global const float *x, __global const float *dy, __global const float *gamma,
                                            __global const float *beta, __global const float *mean, __global const float *inv_std,
                                            __global const float *dgamma, __global const float *dbeta, __global float *dx,
                                            int count, int rows, int C) {
    const int e = get_global_id(0) * 4;
    if (e >= count) return;
    const int c = e % C;
    const float4 g = vload4(0, gamma + c), mu = vload4(0, mean + c), inv = vload4(0, inv_std + c), v = vload4(0, x + e);
    const float4 zero = (float4)(0.0f);
    const float4 d = select(zero, vload4(0, dy + e), isgreater(normalized4(v, g, vload4(0, beta + c), mu, inv), zero));
    const float m = (float)rows;
    vstore4(g * inv / m * (m * d - vload4(0, dbeta + c) - (v - mu) * inv * vload4(0, dgamma + c)), 0, dx + e);
}
