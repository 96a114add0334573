// Softmax cross-entropy, logits [N][K], int labels [N], optional class weights [K]
// (HAS_WEIGHTS 0/1). One work-group of REDUCE_WG work-items handles the whole batch, so the
// weighted mean needs no second launch:
//   loss = sum_n w[y_n] * (logsumexp(z_n) - z_n[y_n]) / sum_n w[y_n]
//   dz[n,k] = w[y_n] / sum w * (softmax(z_n)[k] - [k == y_n])
// A label outside [0, K) (which the data layer refuses before upload) counts with weight 0.
#include "reduce.h"

#ifndef HAS_WEIGHTS
#define HAS_WEIGHTS 0
#endif

inline float label_weight(__global const float *weights, int label, int K) {
    if (label < 0 || label >= K) return 0.0f;
#if HAS_WEIGHTS
    return weights[label];
#else
    return 1.0f;
#endif
}

__kernel void softmax_cross_entropy(__global const float *z, __global const int *labels, __global const float *weights,
                                    int N, int K, __global float *loss, __global float *dz, __global int *correct) {
    __local float scratch[REDUCE_WG];
    const int lid = get_local_id(0);
    float weight_sum = 0.0f;
    for (int n = lid; n < N; n += REDUCE_WG) weight_sum += label_weight(weights, labels[n], K);
    const float total_weight = group_sum(weight_sum, scratch);
    float loss_sum = 0.0f, hits = 0.0f;
    for (int n = lid; n < N; n += REDUCE_WG) {
        __global const float *row = z + n * K;
        const int label = labels[n];
        float max_logit = row[0];
        int best = 0;
        for (int k = 1; k < K; ++k)
            if (row[k] > max_logit) { max_logit = row[k]; best = k; }
        float exp_sum = 0.0f;
        for (int k = 0; k < K; ++k) exp_sum += exp(row[k] - max_logit);
        const float w = label_weight(weights, label, K);
        if (w != 0.0f) loss_sum += w * (log(exp_sum) + max_logit - row[label]);
        hits += best == label ? 1.0f : 0.0f;
        const float scale = total_weight > 0.0f ? w / total_weight : 0.0f;
        for (int k = 0; k < K; ++k)
            dz[n * K + k] = scale * (exp(row[k] - max_logit) / exp_sum - (k == label ? 1.0f : 0.0f));
    }
    const float total_loss = group_sum(loss_sum, scratch);
    const float total_hits = group_sum(hits, scratch);
    if (lid == 0) {
        loss[0] = total_weight > 0.0f ? total_loss / total_weight : 0.0f;
        correct[0] = (int)total_hits;
    }
}
