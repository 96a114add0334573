// Squeeze-and-excitation's channel-wise scale of an NHWC feature map [N, P = H*W pixels, C] by
// s [N, C], and its backward pass. Four channels per work-item with float4 loads (a scalar
// loop finishes C % 4).

// y[n, p, c] = x[n, p, c] * s[n, c]. Global (ceil(C / 4), P, N).
__kernel void channel_scale_forward(__global const float *x, __global const float *s, __global float *y, int N, int P, int C) {
    const int c0 = get_global_id(0) * 4, p = get_global_id(1), n = get_global_id(2);
    if (c0 >= C || p >= P || n >= N) return;
    const int e = (n * P + p) * C;
    if (c0 + 4 <= C) {
        vstore4(vload4(0, x + e + c0) * vload4(0, s + n * C + c0), 0, y + e + c0);
    } else {
        for (int c = c0; c < C; ++c) y[e + c] = x[e + c] * s[n * C + c];
    }
}

// dx[n, p, c] = dy[n, p, c] * s[n, c] and ds[n, c] = sum over pixels of dy * x, in one walk
// over the image's pixels (dy and x are read once). Global (ceil(C / 4), N).
__kernel void channel_scale_backward(__global const float *x, __global const float *s, __global const float *dy,
                                     __global float *dx, __global float *ds, int N, int P, int C) {
    const int c0 = get_global_id(0) * 4, n = get_global_id(1);
    if (c0 >= C || n >= N) return;
    const int image = n * P * C;
    if (c0 + 4 <= C) {
        const float4 scale = vload4(0, s + n * C + c0);
        float4 acc = (float4)(0.0f);
        for (int p = 0; p < P; ++p) {
            const int e = image + p * C + c0;
            const float4 g = vload4(0, dy + e);
            acc = fma(g, vload4(0, x + e), acc);
            vstore4(g * scale, 0, dx + e);
        }
        vstore4(acc, 0, ds + n * C + c0);
    } else {
        for (int c = c0; c < C; ++c) {
            const float scale = s[n * C + c];
            float acc = 0.0f;
            for (int p = 0; p < P; ++p) {
                const int e = image + p * C + c;
                acc = fma(dy[e], x[e], acc);
                dx[e] = dy[e] * scale;
            }
            ds[n * C + c] = acc;
        }
    }
}
