// Exponential moving average of weights, in place: a = decay * a + (1 - decay) * v, one
// work-item per element; decay 0 copies v (so a never-written average cannot leak NaN).
__kernel void ema_update(__global float *a, __global const float *v, int count, float decay) {
    const int e = get_global_id(0);
    if (e >= count) return;
    a[e] = decay == 0.0f ? v[e] : decay * a[e] + (1.0f - decay) * v[e];
}
