// Public API, exported flat. Internal files (`_x.ts`) and the generated CRD bindings (`imports/`) are
// never exported.
export * from './common/severity';
export * from './common/ratio';
export * from './common/secret-key';
export * from './rules/rule-options';
export * from './rules/rule-group';
export * from './rules/prometheus-rules';
