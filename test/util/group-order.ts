/*
 * The order in which promtool evaluates rule groups at each step: the library's own (see
 * src/testing/_group-order.ts), which the tests it generates for users give promtool too.
 */
export { evaluationOrder } from '../../src/testing/_group-order';
