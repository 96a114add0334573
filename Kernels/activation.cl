// ReLU, one work-item per element. The backward pass reads the forward output: y > 0
// exactly where x > 0.
__kernel void relu_forward(__global const float *x, __global float *y, int count) {
    const int e = get_global_id(0);
    if (e < count) y[e] = x[e] > 0.0f ? x[e] : 0.0f;
}

__kernel void relu_backward(__global const float *y, __global const float *dy, __global float *dx, int count) {
    const int e = get_global_id(0);
    if (e < count) dx[e] = y[e] > 0.0f ? dy[e] : 0.0f;
}

// Sigmoid, four elements per work-item with float4 loads (a scalar tail for the last
// work-item). The backward pass reads the forward output: dsigma/dx = y * (1 - y).
__kernel void sigmoid_forward(__global const float *x, __global float *y, int count) {
    const int e0 = get_global_id(0) * 4;
    if (e0 + 4 <= count) {
        vstore4(1.0f / (1.0f + exp(-vload4(0, x + e0))), 0, y + e0);
    } else {
        for (int e = e0; e < count; ++e) y[e] = 1.0f / (1.0f + exp(-x[e]));
    }
}

__kernel void sigmoid_backward(__global const float *y, __global const float *dy, __global float *dx, int count) {
    const int e0 = get_global_id(0) * 4;
    if (e0 + 4 <= count) {
        const float4 v = vload4(0, y + e0);
        vstore4(vload4(0, dy + e0) * v * (1.0f - v), 0, dx + e0);
    } else {
        for (int e = e0; e < count; ++e) dx[e] = dy[e] * y[e] * (1.0f - y[e]);
    }
}
