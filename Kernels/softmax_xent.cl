// Softmax cross-entropy, logits [N][K], int labels [N], optional class weights [K]
// (HAS_WEIGHTS 0/1), label smoothing s as torch's CrossEntropyLoss. One work-group of
// REDUCE_WG work-items handles the whole batch, so the weighted mean needs no second launch:
//   W = sum_n w[y_n],  lse = logsumexp(z_n)
//   loss = sum_n [(1-s) w[y_n] (lse - z_n[y_n]) + s/K sum_c w[c] (lse - z_n[c])] / W
//   dz[n,k] = [(1-s) w[y_n] (p[n,k] - [k == y_n]) + s/K (sum_c w[c] p[n,k] - w[k])] / W
// A label outside [0, K) (which the data layer refuses before upload) counts with weight 0.
// Mixup / CutMix (mix_weight λ < 1): row n also has the label y'_n of row N-1-n, and its label
// terms become λ w[y_n] (...y_n) + (1-λ) w[y'_n] (...y'_n); W is unchanged (the partners are a
// permutation of the rows). λ = 1 runs the unmixed expressions, so the seed recipe's rounding
// is what it was.
#include "reduce.h"

#ifndef HAS_WEIGHTS
#define HAS_WEIGHTS 0
#endif

inline float class_weight(__global const float *weights, int c) {
#if HAS_WEIGHTS
    return weights[c];
#else
    return 1.0f;
#endif
}

inline float label_weight(__global const float *weights, int label, int K) {
    if (label < 0 || label >= K) return 0.0f;
#if HAS_WEIGHTS
    return weights[label];
#else
    return 1.0f;
#endif
}

__kernel void softmax_cross_entropy(__global const float *z, __global const int *labels, __global const float *weights,
                                    int N, int K, float smoothing, float mix_weight, __global float *loss, __global float *dz, __global int *correct) {
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
        const float lse = log(exp_sum) + max_logit;
        const float share = smoothing / K;
        float weight_sum = 0.0f;
        for (int c = 0; c < K; ++c) weight_sum += class_weight(weights, c);
        const bool mixed = mix_weight < 1.0f;
        const int partner_label = labels[N - 1 - n];
        const float wp = mixed ? label_weight(weights, partner_label, K) : 0.0f;
        if (!mixed) {
            if (w != 0.0f) loss_sum += (1.0f - smoothing) * w * (lse - row[label]);
        } else {
            if (w != 0.0f) loss_sum += (1.0f - smoothing) * mix_weight * w * (lse - row[label]);
            if (wp != 0.0f) loss_sum += (1.0f - smoothing) * (1.0f - mix_weight) * wp * (lse - row[partner_label]);
        }
        if (smoothing > 0.0f)
            for (int c = 0; c < K; ++c) loss_sum += share * class_weight(weights, c) * (lse - row[c]);
        hits += best == (mixed && mix_weight < 0.5f ? partner_label : label) ? 1.0f : 0.0f;
        const float inv_total = total_weight > 0.0f ? 1.0f / total_weight : 0.0f;
        for (int k = 0; k < K; ++k) {
            const float p = exp(row[k] - max_logit) / exp_sum;
            const float label_term = mixed ? mix_weight * w * (p - (k == label ? 1.0f : 0.0f))
                                                 + (1.0f - mix_weight) * wp * (p - (k == partner_label ? 1.0f : 0.0f))
                                           : w * (p - (k == label ? 1.0f : 0.0f));
            const float g = (1.0f - smoothing) * label_term + share * (weight_sum * p - class_weight(weights, k));
            dz[n * K + k] = g * inv_total;
        }
    }
    const float total_loss = group_sum(loss_sum, scratch);
    const float total_hits = group_sum(hits, scratch);
    if (lid == 0) {
        loss[0] = total_weight > 0.0f ? total_loss / total_weight : 0.0f;
        correct[0] = (int)total_hits;
    }
}
