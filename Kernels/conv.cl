// Convolution, NHWC activations, weights [KH][KW][C][K] (C input, K output channels).
//   y[n,oy,ox,o] = b[o] + sum_{ky,kx,i} x[n, oy*S-P+ky, ox*S-P+kx, i] * w[ky,kx,i,o]
// One work-item per output element; dimension 0 runs over channels so that neighbouring
// work-items read neighbouring weights. Launch code rounds global sizes up: every kernel
// checks its bounds. HAS_BIAS (0/1) selects whether the forward pass adds a bias.
#ifndef HAS_BIAS
#define HAS_BIAS 1
#endif

__kernel void conv2d_forward(__global const float *x, __global const float *w, __global const float *bias,
                             __global float *y, int N, int H, int W, int C, int K,
                             int KH, int KW, int S, int P, int OH, int OW) {
    const int o = get_global_id(0), pixel = get_global_id(1);
    if (o >= K || pixel >= N * OH * OW) return;
    const int ox = pixel % OW, oy = (pixel / OW) % OH, n = pixel / (OW * OH);
    float acc = 0.0f;
    for (int ky = 0; ky < KH; ++ky) {
        const int iy = oy * S - P + ky;
        if (iy < 0 || iy >= H) continue;
        for (int kx = 0; kx < KW; ++kx) {
            const int ix = ox * S - P + kx;
            if (ix < 0 || ix >= W) continue;
            __global const float *xs = x + ((n * H + iy) * W + ix) * C;
            __global const float *ws = w + (ky * KW + kx) * C * K + o;
            for (int i = 0; i < C; ++i) acc = fma(xs[i], ws[i * K], acc);
        }
    }
#if HAS_BIAS
    acc += bias[o];
#endif
    y[pixel * K + o] = acc;
}

// dx[n,iy,ix,i] = sum over taps (ky,kx) with iy = oy*S-P+ky, ix = ox*S-P+kx of dy[n,oy,ox,o] * w[ky,kx,i,o]
__kernel void conv2d_backward_data(__global const float *dy, __global const float *w, __global float *dx,
                                   int N, int H, int W, int C, int K,
                                   int KH, int KW, int S, int P, int OH, int OW) {
    const int i = get_global_id(0), pixel = get_global_id(1);
    if (i >= C || pixel >= N * H * W) return;
    const int ix = pixel % W, iy = (pixel / W) % H, n = pixel / (W * H);
    float acc = 0.0f;
    for (int ky = 0; ky < KH; ++ky) {
        const int ty = iy + P - ky;
        if (ty < 0 || ty % S != 0 || ty / S >= OH) continue;
        const int oy = ty / S;
        for (int kx = 0; kx < KW; ++kx) {
            const int tx = ix + P - kx;
            if (tx < 0 || tx % S != 0 || tx / S >= OW) continue;
            const int ox = tx / S;
            __global const float *dys = dy + ((n * OH + oy) * OW + ox) * K;
            __global const float *ws = w + ((ky * KW + kx) * C + i) * K;
            for (int o = 0; o < K; ++o) acc = fma(dys[o], ws[o], acc);
        }
    }
    dx[pixel * C + i] = acc;
}

// dw[ky,kx,i,o] = sum_{n,oy,ox} x[n, oy*S-P+ky, ox*S-P+kx, i] * dy[n,oy,ox,o]
__kernel void conv2d_backward_weights(__global const float *x, __global const float *dy, __global float *dw,
                                      int N, int H, int W, int C, int K,
                                      int KH, int KW, int S, int P, int OH, int OW) {
    const int o = get_global_id(0), row = get_global_id(1);
    if (o >= K || row >= KH * KW * C) return;
    const int i = row % C, kx = (row / C) % KW, ky = row / (C * KW);
    float acc = 0.0f;
    for (int n = 0; n < N; ++n) {
        for (int oy = 0; oy < OH; ++oy) {
            const int iy = oy * S - P + ky;
            if (iy < 0 || iy >= H) continue;
            for (int ox = 0; ox < OW; ++ox) {
                const int ix = ox * S - P + kx;
                if (ix < 0 || ix >= W) continue;
                acc = fma(x[((n * H + iy) * W + ix) * C + i], dy[((n * OH + oy) * OW + ox) * K + o], acc);
            }
        }
    }
    dw[row * K + o] = acc;
}
