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
