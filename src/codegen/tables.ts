// Reference and table instructions. Table i is bound as `T<i>` (the Table object)
// and `e<i>` (its element array, grown in place); element segments as `ES[k]`.
import type { Handler } from './function.js';
import { Flag } from './stack.js';
import { bulk } from './memory.js';
import { branchTo } from './control.js';
import { Op } from '../opcodes.js';

/** br_on_null / br_on_non_null: branch on a reference, which is tested and kept in its slot. */
function brOnNull(onNull: boolean): Handler {
  return (fl, ins) => {
    const st = fl.stack;
    st.materializeAll();
    const k = st.height - 1;
    st.forceSlot(k);
    if (onNull) {
      // Taken: the reference is dropped; not taken: it stays (now known non-null).
      const r = st.pop();
      st.emit(`if (s${k} === null) {`);
      st.indent++;
      branchTo(fl, ins.depth!);
      st.indent--;
      st.emit('}');
      st.entries.push(r);
    } else {
      st.emit(`if (s${k} !== null) {`);
      st.indent++;
      branchTo(fl, ins.depth!);
      st.indent--;
      st.emit('}');
      st.pop();
    }
  };
}

export const tableHandlers = new Map<number, Handler>([
  // ref.as_non_null, br_on_null, br_on_non_null (typed function references)
  [0xd4, (fl) => {
    const st = fl.stack;
    const a = st.pop();
    st.pushFrom(`${fl.helper('nonNull')}(${a.code})`, [a], Flag.Effect);
  }],
  [0xd5, brOnNull(true)],
  [0xd6, brOnNull(false)],
  // ref.null, ref.is_null, ref.func
  [0xd0, (fl) => fl.stack.push('null', Flag.Const)],
  [0xd1, (fl) => {
    const st = fl.stack;
    const a = st.pop();
    st.pushFrom(`(${a.code} === null)`, [a], Flag.Bool);
  }],
  [0xd2, (fl, ins) => {
    fl.stack.push(fl.ctx.funcName(ins.index!), Flag.Const);
  }],
  // table.get / table.set
  [0x25, bulk((fl, ins, [i]) => `${fl.helper('tableGet')}(e${ins.mem ?? 0}, ${i})`, 1, true)],
  [0x26, bulk((fl, ins, [i, v]) => `${fl.helper('tableSet')}(e${ins.mem ?? 0}, ${i}, ${v})`, 2, false)],
  // table.init, elem.drop, table.copy, table.grow, table.size, table.fill
  [Op.TableInit, bulk((fl, ins, [d, s, n]) => `${fl.helper('tableInit')}(e${ins.mem ?? 0}, ES[${ins.segment}], ${d}, ${s}, ${n})`, 3, false)],
  [Op.ElemDrop, (fl, ins) => {
    fl.stack.emit(`ES[${ins.segment}] = ${fl.helper('noElems')};`);
  }],
  [Op.TableCopy, bulk((fl, ins, [d, s, n]) => `${fl.helper('tableCopy')}(e${ins.mem ?? 0}, e${ins.mem2 ?? 0}, ${d}, ${s}, ${n})`, 3, false)],
  [Op.TableGrow, bulk((fl, ins, [v, n]) => `${fl.helper('tableGrow')}(T${ins.mem ?? 0}, ${v}, ${n})`, 2, true)],
  [Op.TableSize, (fl, ins) => fl.stack.push(`e${ins.mem ?? 0}.length`, Flag.State)],
  [Op.TableFill, bulk((fl, ins, [i, v, n]) => `${fl.helper('tableFill')}(e${ins.mem ?? 0}, ${i}, ${v}, ${n})`, 3, false)],
]);
