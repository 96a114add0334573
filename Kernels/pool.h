// The 2x2 window maximum of pool.cl and batchnorm_pool.cl, four channels at once: the first of
// equal values wins (positions 0..3 row-major); with `relu`, a maximum that is not positive
// becomes 0 with position -1 (PoolGeometry.fusedReLU).
inline void window_max4(float4 v0, float4 v1, float4 v2, float4 v3, int relu, float4 *best, int4 *position) {
    float4 b = v0;
    int4 p = (int4)(0);
    int4 larger = isgreater(v1, b);
    b = select(b, v1, larger); p = select(p, (int4)(1), larger);
    larger = isgreater(v2, b);
    b = select(b, v2, larger); p = select(p, (int4)(2), larger);
    larger = isgreater(v3, b);
    b = select(b, v3, larger); p = select(p, (int4)(3), larger);
    if (relu) {
        const int4 kept = isgreater(b, (float4)(0.0f));
        b = select((float4)(0.0f), b, kept);
        p = select((int4)(-1), p, kept);
    }
    *best = b;
    *position = p;
}
