// Reference and table instructions. Table i is bound as `T<i>` (the Table object)
// and `e<i>` (its element array, grown in place); element segments as `ES[k]`.
import { Op } from '../opcodes.js';
import { branchTo, helperCall, type Handler } from './lowering.js';
import { Flag } from './stack.js';

/** br_on_null / br_on_non_null: branch on a reference, which is tested and kept in its slot. */
function brOnNull(onNull: boolean): Handler {
  return (lw, ins) => {
    const st = lw.stack;
    st.materializeAll();
    const k = st.height - 1;
    st.forceSlot(k);
    if (onNull) {
      // Taken: the reference is dropped; not taken: it stays (now known non-null).
      const r = st.pop();
      st.emit(`if (s${k} === null) {`);
      st.indent++;
      branchTo(lw, ins.depth!);
      st.indent--;
      st.emit('}');
      st.entries.push(r);
    } else {
      st.emit(`if (s${k} !== null) {`);
      st.indent++;
      branchTo(lw, ins.depth!);
      st.indent--;
      st.emit('}');
      st.pop();
    }
  };
}

export const tableHandlers: [Op, Handler][] = [
  // ref.as_non_null, br_on_null, br_on_non_null (typed function references)
  [Op.RefAsNonNull, (lw) => {
    const st = lw.stack;
    const a = st.pop();
    st.pushFrom(`${lw.helper('nonNull')}(${a.code})`, [a], Flag.Effect);
  }],
  [Op.BrOnNull, brOnNull(true)],
  [Op.BrOnNonNull, brOnNull(false)],
  // ref.null, ref.is_null, ref.func
  [Op.RefNull, (lw) => lw.stack.pushConst('null', 0)],
  [Op.RefIsNull, (lw) => {
    const st = lw.stack;
    const a = st.pop();
    st.pushFrom(`(${a.code} === null)`, [a], Flag.Bool);
  }],
  [Op.RefFunc, (lw, ins) => {
    lw.stack.pushConst(lw.ctx.funcName(ins.index!), 0);
  }],
  // table.get / table.set
  [Op.TableGet, helperCall((lw, ins, [i]) => `${lw.helper('tableGet')}(e${ins.mem ?? 0}, ${i})`, 1, true)],
  [Op.TableSet, helperCall((lw, ins, [i, v]) => `${lw.helper('tableSet')}(e${ins.mem ?? 0}, ${i}, ${v})`, 2, false)],
  // table.init, elem.drop, table.copy, table.grow, table.size, table.fill
  [Op.TableInit, helperCall((lw, ins, [d, s, n]) => `${lw.helper('tableInit')}(e${ins.mem ?? 0}, ES[${ins.segment}], ${d}, ${s}, ${n})`, 3, false)],
  [Op.ElemDrop, (lw, ins) => {
    lw.stack.emit(`ES[${ins.segment}] = ${lw.helper('noElems')};`);
  }],
  [Op.TableCopy, helperCall((lw, ins, [d, s, n]) => `${lw.helper('tableCopy')}(e${ins.mem ?? 0}, e${ins.mem2 ?? 0}, ${d}, ${s}, ${n})`, 3, false)],
  [Op.TableGrow, helperCall((lw, ins, [v, n]) => `${lw.helper('tableGrow')}(T${ins.mem ?? 0}, ${v}, ${n})`, 2, true)],
  [Op.TableSize, (lw, ins) => lw.stack.push(`e${ins.mem ?? 0}.length`, Flag.State)],
  [Op.TableFill, helperCall((lw, ins, [i, v, n]) => `${lw.helper('tableFill')}(e${ins.mem ?? 0}, ${i}, ${v}, ${n})`, 3, false)],
];
