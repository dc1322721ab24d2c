/* PID controller step in Q16.16 fixed point driving a first-order plant, 2000 steps,
 * with integral anti-windup and output saturation. Returns a checksum of the trajectory. */
#include <stdint.h>

typedef struct {
    int32_t kp, ki, kd;      /* Q16.16 gains */
    int32_t integ, prev_err; /* Q16.16 state */
    int32_t out_min, out_max, integ_max;
} pid_state;

pid_state pid = { 0x00018000, 0x00000CCC, 0x00004000, 0, 0, -0x00640000, 0x00640000, 0x00320000 };

static int32_t qmul(int32_t a, int32_t b) {
    return (int32_t)(((int64_t)a * (int64_t)b) >> 16);
}

static int32_t clamp(int32_t v, int32_t lo, int32_t hi) {
    return v < lo ? lo : (v > hi ? hi : v);
}

static int32_t pid_step(pid_state *s, int32_t setpoint, int32_t measured) {
    int32_t err = setpoint - measured;
    s->integ = clamp(s->integ + qmul(s->ki, err), -s->integ_max, s->integ_max);
    int32_t deriv = err - s->prev_err;
    s->prev_err = err;
    int32_t out = qmul(s->kp, err) + s->integ + qmul(s->kd, deriv);
    return clamp(out, s->out_min, s->out_max);
}

uint32_t run(void) {
    int32_t y = 0; /* plant output, Q16.16 */
    uint32_t h = 0;
    for (int t = 0; t < 2000; t++) {
        int32_t sp = (t / 250) & 1 ? 0x00280000 : -0x00140000; /* +40 / -20 */
        int32_t u = pid_step(&pid, sp, y);
        y += qmul(u - y, 0x00000800) + (t % 7) * 3 - 9; /* tau = 32 steps, small disturbance */
        h = (h << 5 | h >> 27) ^ (uint32_t)y;
    }
    return h ^ (uint32_t)pid.integ;
}
