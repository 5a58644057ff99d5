// Reproducible random numbers, identical on every platform and thread count.
//
// The standard library's distributions are implementation-defined, so the
// core draws its own variates from xoshiro256++ (Blackman & Vigna 2019), with
// the state seeded through splitmix64.  A stream is identified by the user's
// seed and a stream number (chain, path, ...); streams for different numbers
// are statistically independent, so work can be split over threads in any
// way and give the same numbers.
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>

namespace summitcast {

inline std::uint64_t splitmix64(std::uint64_t& x) {
  std::uint64_t z = (x += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

class Rng {
 public:
  Rng(std::uint64_t seed, std::uint64_t stream = 0) {
    // Mix seed and stream through splitmix64 so neighbouring seeds or streams
    // start far apart in state space.
    std::uint64_t x = seed;
    std::uint64_t y = splitmix64(x) ^ (stream * 0xD1B54A32D192ED03ULL + 0x8CB92BA72F3D8DD7ULL);
    for (auto& s : s_) s = splitmix64(y);
  }

  std::uint64_t next_u64() {
    const std::uint64_t result = rotl(s_[0] + s_[3], 23) + s_[0];
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }

  // Uniform on the open interval (0, 1): 53 random bits, offset by half a step.
  double uniform() { return (static_cast<double>(next_u64() >> 11) + 0.5) * 0x1.0p-53; }

  // Standard normal by the Marsaglia polar method (exact, uses only log/sqrt).
  double normal() {
    if (has_spare_) {
      has_spare_ = false;
      return spare_;
    }
    double u, v, s;
    do {
      u = 2.0 * uniform() - 1.0;
      v = 2.0 * uniform() - 1.0;
      s = u * u + v * v;
    } while (s >= 1.0 || s == 0.0);
    const double f = std::sqrt(-2.0 * std::log(s) / s);
    spare_ = v * f;
    has_spare_ = true;
    return u * f;
  }

  // Gamma(shape, scale=1) by Marsaglia & Tsang (2000); shape < 1 through the
  // boost X * U^(1/shape), X ~ Gamma(shape + 1).
  double gamma(double shape) {
    if (shape < 1.0) {
      const double x = gamma(shape + 1.0);
      return x * std::pow(uniform(), 1.0 / shape);
    }
    const double d = shape - 1.0 / 3.0;
    const double c = 1.0 / std::sqrt(9.0 * d);
    for (;;) {
      double z, v;
      do {
        z = normal();
        v = 1.0 + c * z;
      } while (v <= 0.0);
      v = v * v * v;
      const double u = uniform();
      if (u < 1.0 - 0.0331 * z * z * z * z) return d * v;
      if (std::log(u) < 0.5 * z * z + d * (1.0 - v + std::log(v))) return d * v;
    }
  }

  // Inverse gamma with shape a and scale b: b / Gamma(a, 1).
  double inverse_gamma(double shape, double scale) { return scale / gamma(shape); }

 private:
  static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  std::uint64_t s_[4];
  double spare_ = 0.0;
  bool has_spare_ = false;
};

}  // namespace summitcast
