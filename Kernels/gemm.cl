// Dense layer products, x [N][I], w [I][O], dy [N][O]. One work-item per output element;
// dimension 0 runs along the contiguous axis of the output.
//   y  = x w + b      dense_forward          (global O x N)
//   dx = dy w^T       dense_backward_data    (global I x N)
//   dw = x^T dy       dense_backward_weights (global O x I)
__kernel void dense_forward(__global const float *x, __global const float *w, __global const float *b,
                            __global float *y, int N, int I, int O) {
    const int o = get_global_id(0), n = get_global_id(1);
    if (o >= O || n >= N) return;
    float acc = 0.0f;
    for (int i = 0; i < I; ++i) acc = fma(x[n * I + i], w[i * O + o], acc);
    y[n * O + o] = acc + b[o];
}

__kernel void dense_backward_data(__global const float *dy, __global const float *w, __global float *dx,
                                  int N, int I, int O) {
    const int i = get_global_id(0), n = get_global_id(1);
    if (i >= I || n >= N) return;
    float acc = 0.0f;
    for (int o = 0; o < O; ++o) acc = fma(dy[n * O + o], w[i * O + o], acc);
    dx[n * I + i] = acc;
}

__kernel void dense_backward_weights(__global const float *x, __global const float *dy, __global float *dw,
                                     int N, int I, int O) {
    const int o = get_global_id(0), i = get_global_id(1);
    if (o >= O || i >= I) return;
    float acc = 0.0f;
    for (int n = 0; n < N; ++n) acc = fma(x[n * I + i], dy[n * O + o], acc);
    dw[i * O + o] = acc;
}
