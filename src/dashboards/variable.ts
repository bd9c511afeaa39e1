import { invalidProp } from '../common/_errors';

/** Options of a query variable. */
export interface QueryVariableOptions {
  /** The variable name, used as `$name` in queries. */
  readonly name: string;
  /** The query that lists the values, e.g. `label_values(up{ml_service="x"}, namespace)`. */
  readonly query: string;
  /**
   * The label shown in the dashboard's variable bar.
   * @default - the name
   */
  readonly label?: string;
  /**
   * Allow selecting several values (queries then use `=~"$name"`).
   * @default true
   */
  readonly multi?: boolean;
  /**
   * Offer an "All" option.
   * @default true
   */
  readonly includeAll?: boolean;
}

/** A dashboard template variable. */
export class DashboardVariable {
  /** A variable whose values come from a Prometheus query. */
  public static query(options: QueryVariableOptions): DashboardVariable {
    if (typeof options.name !== 'string' || !/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(options.name) || options.name.startsWith('__')) {
      throw invalidProp('DashboardVariable.query', 'name', options.name, 'letters, digits and "_", not starting with a digit or "__"');
    }
    if (options.name === 'datasource') throw invalidProp('DashboardVariable.query', 'name', options.name, 'a name other than "datasource", which every dashboard has');
    if (typeof options.query !== 'string' || options.query.trim() === '') {
      throw invalidProp('DashboardVariable.query', 'query', options.query, 'a Prometheus variable query such as label_values(up, namespace)');
    }
    return new DashboardVariable(options);
  }

  /** The variable name. */
  public readonly name: string;
  /** @internal */
  public readonly _options: QueryVariableOptions;

  private constructor(options: QueryVariableOptions) {
    this.name = options.name;
    this._options = options;
  }
}
