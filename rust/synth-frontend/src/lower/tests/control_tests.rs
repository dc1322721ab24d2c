//! Control flow: blocks, loops, if/else, branches with values, br_table,
//! multi-value, unreachable code, locals across merges, recursion.

use super::{lower_with, u, Harness};
use crate::FrontendOptions;
use synth_ir::{InstKind, TrapCode};

const CONTROL: &str = r#"
(module
  (func $fac (export "fac") (param i64) (result i64)
    local.get 0 i64.eqz
    if (result i64) i64.const 1
    else local.get 0 local.get 0 i64.const 1 i64.sub call $fac i64.mul end)
  (func (export "sum_to") (param i32) (result i32) (local i32 i32)
    block $done
      loop $l
        local.get 1 local.get 0 i32.gt_u br_if $done
        local.get 2 local.get 1 i32.add local.set 2
        local.get 1 i32.const 1 i32.add local.set 1
        br $l
      end
    end
    local.get 2)
  (func (export "nested") (param i32) (result i32)
    block (result i32)
      block (result i32)
        i32.const 10 local.get 0 i32.eqz br_if 1 drop
        i32.const 20 local.get 0 i32.const 1 i32.eq br_if 0 drop
        i32.const 30
      end
      i32.const 100 i32.add
    end)
  (func (export "switch") (param i32) (result i32)
    block $d (result i32)
      block $c (result i32)
        block $b (result i32)
          block $a (result i32)
            i32.const 7 local.get 0 br_table $a $b $c $d
          end i32.const 1 i32.add return
        end i32.const 2 i32.add return
      end i32.const 3 i32.add return
    end i32.const 4 i32.add)
  (func (export "if_no_else") (param i32) (result i32) (local i32)
    i32.const 5 local.set 1
    local.get 0 if i32.const 9 local.set 1 end
    local.get 1)
  (func (export "multi") (param i32 i32) (result i32 i32)
    local.get 0 local.get 1
    block (param i32 i32) (result i32 i32)
      local.get 0 if (param i32 i32) (result i32 i32) i32.add i32.const 1
      else i32.sub i32.const 2 end
    end)
  (func (export "swap") (param i32 i32) (result i32 i32) local.get 1 local.get 0)
  (func (export "call_multi") (param i32 i32) (result i32) local.get 0 local.get 1 call 6 i32.sub)
  (func (export "loop_param") (param i32) (result i32)
    i32.const 0
    loop (param i32) (result i32)
      local.get 0 i32.add
      local.get 0 i32.const 1 i32.sub local.tee 0
      br_if 0
    end)
  (func (export "dead") (param i32) (result i32)
    block (result i32)
      i32.const 1 br 0
      i32.const 2 i32.add
      block block (result i32) i32.const 3 end drop end
      if (result i32) i32.const 4 else i32.const 5 end
    end
    local.get 0 if (result i32) i32.const 2 return else i32.const 3 end
    i32.add)
  (func (export "trap_if") (param i32) (result i32)
    local.get 0 if unreachable end i32.const 42)
  (func (export "select") (param i32 i64 i64) (result i64)
    local.get 1 local.get 2 local.get 0 select)
  (func (export "tselect") (param i32 i32 i32) (result i32)
    local.get 1 local.get 2 local.get 0 select (result i32))
  (func (export "return_in_loop") (param i32) (result i32)
    loop $l local.get 0 i32.const 100 i32.gt_s if local.get 0 return end
      local.get 0 i32.const 7 i32.add local.set 0 br $l end
    unreachable)
)"#;

#[test]
fn recursion_and_loops() {
    let mut h = Harness::new(CONTROL);
    assert_eq!(h.call1("fac", &[0]), 1);
    assert_eq!(h.call1("fac", &[10]), 3_628_800);
    assert_eq!(h.call1("fac", &[20]), 2_432_902_008_176_640_000);
    assert_eq!(h.call1("sum_to", &[0]), 0);
    assert_eq!(h.call1("sum_to", &[100]), 5050);
    assert_eq!(h.call1("loop_param", &[4]), 10);
    assert_eq!(h.call1("return_in_loop", &[0]), 105);
}

#[test]
fn blocks_with_values_and_br_table() {
    let mut h = Harness::new(CONTROL);
    assert_eq!(h.call1("nested", &[0]), 10);
    assert_eq!(h.call1("nested", &[1]), 120);
    assert_eq!(h.call1("nested", &[2]), 130);
    assert_eq!(h.call1("switch", &[0]), 8);
    assert_eq!(h.call1("switch", &[1]), 9);
    assert_eq!(h.call1("switch", &[2]), 10);
    assert_eq!(h.call1("switch", &[3]), 11);
    assert_eq!(h.call1("switch", &[u(-1)]), 11);
    assert_eq!(h.call1("if_no_else", &[0]), 5);
    assert_eq!(h.call1("if_no_else", &[1]), 9);
}

#[test]
fn multi_value() {
    let mut h = Harness::new(CONTROL);
    assert_eq!(h.call("multi", &[1, 2]), Ok(vec![3, 1]));
    assert_eq!(h.call("multi", &[0, 2]), Ok(vec![u(-2), 2]));
    assert_eq!(h.call("swap", &[1, 2]), Ok(vec![2, 1]));
    assert_eq!(h.call1("call_multi", &[10, 3]), u(-7));
}

#[test]
fn unreachable_code_select_and_traps() {
    let mut h = Harness::new(CONTROL);
    assert_eq!(h.call1("dead", &[0]), 4);
    assert_eq!(h.call1("dead", &[1]), 2);
    assert_eq!(h.trap("trap_if", &[1]), TrapCode::Unreachable);
    assert_eq!(h.call1("trap_if", &[0]), 42);
    assert_eq!(h.call1("select", &[1, 1 << 40, 2]), 1 << 40);
    assert_eq!(h.call1("select", &[0, 1 << 40, 2]), 2);
    assert_eq!(h.call1("tselect", &[0, 1, 2]), 2);
}

#[test]
fn redundant_block_params_are_removed() {
    // Locals that do not change across a block need no block parameter:
    // after clean-up only the loop counter and accumulator merge.
    let (_, funcs) = lower_with(CONTROL, &FrontendOptions::default()).unwrap();
    let sum_to = &funcs[1];
    let params: usize = sum_to.blocks.iter().skip(1).map(|b| b.params.len()).sum();
    assert_eq!(params, 2, "{}", synth_ir::print::print(sum_to));
    let fac = &funcs[0];
    assert!(fac.blocks.iter().skip(1).all(|b| b.params.len() <= 1), "{}", synth_ir::print::print(fac));
}

#[test]
fn stack_check_comes_first() {
    let opts = FrontendOptions { stack_check: true, ..FrontendOptions::default() };
    let (_, funcs) = lower_with(CONTROL, &opts).unwrap();
    for f in &funcs {
        assert_eq!(f.blocks[0].insts.first().map(|i| &i.kind), Some(&InstKind::StackCheck), "{}", f.name);
    }
    let (_, funcs) = lower_with(CONTROL, &FrontendOptions::default()).unwrap();
    assert!(funcs.iter().all(|f| f.blocks.iter().all(|b| b.insts.iter().all(|i| i.kind != InstKind::StackCheck))));
}

#[test]
fn deep_recursion_runs_out_of_stack() {
    let mut h = Harness::new(
        r#"(module (func $f (export "f") (param i32) (result i32) local.get 0 i32.const 1 i32.add call $f))"#,
    );
    h.m.max_depth = 50;
    assert_eq!(h.trap("f", &[0]), TrapCode::StackOverflow);
}
