// Philox4x32-10, the twin of Sources/FERCore/Philox.swift: the word for (seed, stream, index)
// is computed bit for bit the same on the host and on every device.
#ifndef FER_PHILOX_H
#define FER_PHILOX_H

inline uint philox_word(ulong seed, ulong stream, ulong index) {
    uint c0 = (uint)index, c1 = (uint)(index >> 32), c2 = (uint)stream, c3 = (uint)(stream >> 32);
    uint k0 = (uint)seed, k1 = (uint)(seed >> 32);
    for (int round = 0; round < 10; ++round) {
        uint hi0 = mul_hi(0xD2511F53u, c0), lo0 = 0xD2511F53u * c0;
        uint hi1 = mul_hi(0xCD9E8D57u, c2), lo1 = 0xCD9E8D57u * c2;
        uint n0 = hi1 ^ c1 ^ k0, n2 = hi0 ^ c3 ^ k1;
        c0 = n0; c1 = lo1; c2 = n2; c3 = lo0;
        k0 += 0x9E3779B9u;
        k1 += 0xBB67AE85u;
    }
    return c0;
}

// Uniform in [0, 1) from the top 24 bits: exact in float32.
inline float philox_uniform(ulong seed, ulong stream, ulong index) {
    return (float)(philox_word(seed, stream, index) >> 8) * (1.0f / 16777216.0f);
}

#endif
