// Adam / AdamW in PyTorch's arithmetic, one work-item per parameter element, in place.
// step_size = lr / (1 - beta1^t) and correction = sqrt(1 - beta2^t) come from the host.
//   Adam:  g += weight_decay * p          AdamW: p *= 1 - lr * weight_decay
//   m = beta1 m + (1 - beta1) g;  v = beta2 v + (1 - beta2) g^2
//   p -= step_size * m / (sqrt(v) / correction + eps)
__kernel void adam_step(__global float *p, __global const float *grad, __global float *m, __global float *v, int count,
                        float lr, float beta1, float beta2, float eps, float weight_decay, int decoupled,
                        float step_size, float correction) {
    const int e = get_global_id(0);
    if (e >= count) return;
    float g = grad[e];
    float param = p[e];
    if (decoupled) param *= 1.0f - lr * weight_decay;
    else g += weight_decay * param;
    const float m_new = beta1 * m[e] + (1.0f - beta1) * g;
    const float v_new = beta2 * v[e] + (1.0f - beta2) * g * g;
    m[e] = m_new;
    v[e] = v_new;
    p[e] = param - step_size * m_new / (sqrt(v_new) / correction + eps);
}
