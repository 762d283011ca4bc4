// CCPUID: what the CPU and the operating system let inr run, from CPUID and XGETBV through the
// compiler's __builtin_cpu_supports (which also checks that the OS saves the AVX and AVX-512
// registers). Swift cannot execute CPUID itself.
#ifndef INR_CCPUID_H
#define INR_CCPUID_H

/// 1 when AVX-512 F, CD, BW, DQ and VL are usable (the tier compiled for skylake-avx512).
int inr_cpu_supports_avx512(void);

/// 1 when AVX2 and FMA are usable (the tier compiled for haswell).
int inr_cpu_supports_avx2(void);

#endif
