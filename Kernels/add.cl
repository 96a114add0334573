// The join of a residual block: y = a + b, or relu(a + b) with `relu` set. Four elements per
// work-item with float4 loads, the last work-item finishing a count that is not a multiple of 4
// one element at a time. y may be a or b itself (gradient fan-in accumulates in place): each
// work-item reads its elements before writing them, so no restrict qualifiers here.
__kernel void add(__global const float *a, __global const float *b, __global float *y, int count, int relu) {
    const int e0 = get_global_id(0) * 4;
    if (e0 + 4 <= count) {
        const float4 sum = vload4(0, a + e0) + vload4(0, b + e0);
        vstore4(relu ? select((float4)(0.0f), sum, isgreater(sum, (float4)(0.0f))) : sum, 0, y + e0);
    } else {
        for (int e = e0; e < count; ++e) {
            const float sum = a[e] + b[e];
            y[e] = relu && !(sum > 0.0f) ? 0.0f : sum;
        }
    }
}
