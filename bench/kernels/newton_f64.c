/* f64 Newton iterations: square roots and reciprocals by Newton-Raphson, plus a polynomial
 * (what a unit conversion or a control law in double precision does); returns a hash of the
 * result bit patterns. */
#include <stdint.h>

double nt_out[200];

static uint64_t bits(double d) {
    union { double d; uint64_t u; } v = {d};
    return v.u;
}

static double newton_sqrt(double x) {
    if (x <= 0.0)
        return 0.0;
    double g = x > 1.0 ? x / 2.0 : 1.0;
    for (int i = 0; i < 30; i++) {
        double n = 0.5 * (g + x / g);
        if (n == g)
            break;
        g = n;
    }
    return g;
}

static double recip(double d) {
    /* 1/d for d in [1, 2): start from a linear guess, refine */
    double r = 1.4571 - 0.5 * d;
    for (int i = 0; i < 5; i++)
        r = r * (2.0 - d * r);
    return r;
}

uint32_t run(void) {
    uint64_t h = 1469598103934665603ull;
    for (int i = 0; i < 200; i++) {
        double x = (double)(i * i + 1) * 0.37;
        double s = newton_sqrt(x);
        double r = recip(1.0 + (double)i / 200.0);
        double p = ((0.25 * s - 1.5) * s + 3.0) * s - r;
        nt_out[i] = p;
        h = (h ^ bits(p)) * 1099511628211ull;
        h ^= (uint64_t)(int64_t)(s * 1000.0);
    }
    return (uint32_t)(h ^ (h >> 32));
}
