// SGD with momentum or Nesterov momentum in PyTorch's arithmetic (torch.optim.SGD, dampening 0),
// one work-item per parameter element, in place:
//   SGD:  g += weight_decay * p           decoupled: p *= 1 - lr * weight_decay
//   buf = momentum * buf + g               (skipped when momentum is 0)
//   p -= lr * (nesterov ? g + momentum * buf : buf)
__kernel void sgd_step(__global float *p, __global const float *grad, __global float *buf, int count,
                       float lr, float momentum, int nesterov, float weight_decay, int decoupled) {
    const int e = get_global_id(0);
    if (e >= count) return;
    float g = grad[e];
    float param = p[e];
    if (decoupled) param *= 1.0f - lr * weight_decay;
    else g += weight_decay * param;
    float direction = g;
    if (momentum > 0.0f) {
        const float b = momentum * buf[e] + g;
        buf[e] = b;
        direction = nesterov ? g + momentum * b : b;
    }
    p[e] = param - lr * direction;
}
