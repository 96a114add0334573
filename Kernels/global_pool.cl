// Global average pooling of an NHWC feature map [N, P = H*W pixels, C] to [N, C], and its
// backward pass. Work-items own 4 channels of one image (a scalar loop finishes C % 4), so
// each pixel's channels are read as contiguous float4s, as in reduce.cl's column_sum.

// y[n, c] = sum over pixels of x[n, p, c] / P. Global (ceil(C / 4), N).
__kernel void global_avgpool_forward(__global const float *x, __global float *y, int N, int P, int C) {
    const int c0 = get_global_id(0) * 4, n = get_global_id(1);
    if (c0 >= C || n >= N) return;
    __global const float *image = x + n * P * C;
    const float inverse = 1.0f / P;
    if (c0 + 4 <= C) {
        float4 acc = (float4)(0.0f);
        for (int p = 0; p < P; ++p) acc += vload4(0, image + p * C + c0);
        vstore4(acc * inverse, 0, y + n * C + c0);
    } else {
        for (int c = c0; c < C; ++c) {
            float acc = 0.0f;
            for (int p = 0; p < P; ++p) acc += image[p * C + c];
            y[n * C + c] = acc * inverse;
        }
    }
}

// dx[n, p, c] = dy[n, c] / P. Global (ceil(C / 4), P, N).
__kernel void global_avgpool_backward(__global const float *dy, __global float *dx, int N, int P, int C) {
    const int c0 = get_global_id(0) * 4, p = get_global_id(1), n = get_global_id(2);
    if (c0 >= C || p >= P || n >= N) return;
    const float inverse = 1.0f / P;
    __global float *pixel = dx + (n * P + p) * C;
    if (c0 + 4 <= C) {
        vstore4(vload4(0, dy + n * C + c0) * inverse, 0, pixel + c0);
    } else {
        for (int c = c0; c < C; ++c) pixel[c] = dy[n * C + c] * inverse;
    }
}
