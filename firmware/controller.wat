;; Example wasm module for //firmware:app: a Q16.16 fixed-point PID controller and a small
;; supervisor state machine, integer only. The firmware (firmware/host.c) supplies the plant
;; model and the event log as imports; firmware/main.c drives the exports.
(module
  ;; y' = plant_update(u): one step of the simulated plant, returns the new measurement (Q16.16)
  (import "env" "plant_update" (func $plant_update (param i32) (result i32)))
  ;; log_event(tick, state): the supervisor changed state at this tick
  (import "env" "log_event" (func $log_event (param i32 i32)))

  (memory (export "memory") 1)
  ;; gains at address 0 (Q16.16, little endian): kp = 0.75, ki = 0.125, kd = 0.25
  (data (i32.const 0) "\00\c0\00\00" "\00\20\00\00" "\00\40\00\00")
  ;; output clamp (Q16.16) at address 12: +-8.0
  (data (i32.const 12) "\00\00\08\00")

  (global $integral (mut i32) (i32.const 0))
  (global $prev_err (mut i32) (i32.const 0))
  ;; supervisor state: 0 idle, 1 ramp, 2 hold, 3 fault
  (global $state (export "state") (mut i32) (i32.const 0))

  ;; Q16.16 multiply with a 64-bit intermediate
  (func $qmul (param i32 i32) (result i32)
    (i32.wrap_i64 (i64.shr_s (i64.mul (i64.extend_i32_s (local.get 0)) (i64.extend_i32_s (local.get 1)))
                             (i64.const 16))))

  (func (export "pid_reset")
    (global.set $integral (i32.const 0))
    (global.set $prev_err (i32.const 0)))

  ;; one PID step; the integral only accumulates while the output is not saturated
  (func $pid_step (export "pid_step") (param $setpoint i32) (param $measured i32) (result i32)
    (local $err i32) (local $out i32) (local $lim i32) (local $i i32)
    (local.set $err (i32.sub (local.get $setpoint) (local.get $measured)))
    (local.set $lim (i32.load (i32.const 12)))
    (local.set $i (i32.add (global.get $integral) (call $qmul (local.get $err) (i32.load (i32.const 4)))))
    (local.set $out
      (i32.add
        (i32.add (call $qmul (local.get $err) (i32.load (i32.const 0))) (local.get $i))
        (call $qmul (i32.sub (local.get $err) (global.get $prev_err)) (i32.load (i32.const 8)))))
    (global.set $prev_err (local.get $err))
    (if (i32.gt_s (local.get $out) (local.get $lim))
      (then (return (local.get $lim))))
    (if (i32.lt_s (local.get $out) (i32.sub (i32.const 0) (local.get $lim)))
      (then (return (i32.sub (i32.const 0) (local.get $lim)))))
    (global.set $integral (local.get $i))
    (local.get $out))

  ;; supervisor: event 0 tick(|err| in Q16.16 as arg), 1 start, 2 stop, 3 fault, 4 reset.
  ;; Returns the new state. Ramp -> hold once |err| < 0.05; hold -> ramp if |err| > 0.5.
  (func $fsm_step (export "fsm_step") (param $event i32) (param $abs_err i32) (result i32)
    (block $reset (block $fault (block $stop (block $start (block $tick
      (br_table $tick $start $stop $fault $reset $fault (local.get $event)))
      ;; tick
      (if (i32.eq (global.get $state) (i32.const 1))
        (then (if (i32.lt_u (local.get $abs_err) (i32.const 3277))
          (then (global.set $state (i32.const 2))))))
      (if (i32.eq (global.get $state) (i32.const 2))
        (then (if (i32.gt_u (local.get $abs_err) (i32.const 32768))
          (then (global.set $state (i32.const 1))))))
      (return (global.get $state)))
      ;; start: only from idle
      (if (i32.eqz (global.get $state)) (then (global.set $state (i32.const 1))))
      (return (global.get $state)))
      ;; stop: anything but fault goes idle
      (if (i32.ne (global.get $state) (i32.const 3)) (then (global.set $state (i32.const 0))))
      (return (global.get $state)))
      ;; fault (and unknown events)
      (global.set $state (i32.const 3))
      (return (global.get $state)))
    ;; reset
    (global.set $state (i32.const 0))
    (global.get $state))

  ;; closed loop: start, then n ticks of PID + plant + supervisor; logs every state change
  ;; through the host; returns the final measurement (Q16.16)
  (func (export "run") (param $setpoint i32) (param $n i32) (result i32)
    (local $y i32) (local $tick i32) (local $err i32) (local $old i32)
    (global.set $state (i32.const 0))
    (drop (call $fsm_step (i32.const 1) (i32.const 0)))
    (call $log_event (i32.const 0) (global.get $state))
    (block $done (loop $next
      (br_if $done (i32.ge_s (local.get $tick) (local.get $n)))
      (local.set $tick (i32.add (local.get $tick) (i32.const 1)))
      (local.set $y (call $plant_update (call $pid_step (local.get $setpoint) (local.get $y))))
      (local.set $err (i32.sub (local.get $setpoint) (local.get $y)))
      (if (i32.lt_s (local.get $err) (i32.const 0))
        (then (local.set $err (i32.sub (i32.const 0) (local.get $err)))))
      (local.set $old (global.get $state))
      (if (i32.ne (call $fsm_step (i32.const 0) (local.get $err)) (local.get $old))
        (then (call $log_event (local.get $tick) (global.get $state))))
      (br $next)))
    (local.get $y))

  ;; integer ratio in percent; traps (divide by zero) when total is 0
  (func (export "percent") (param $part i32) (param $total i32) (result i32)
    (i32.div_s (i32.mul (local.get $part) (i32.const 100)) (local.get $total)))
)
