import { notImplemented } from '../../domain/errors.js';
import { OPERATIONS, type OperationId } from '../operations.js';
import { op, type App } from '../types.js';

/**
 * Every operation of the catalogue that no module has built yet answers 501 with an Error body,
 * after the authentication and policy hooks have run like on any other route.
 */
export function notBuiltRoutes(app: App, built: ReadonlySet<OperationId>): void {
  for (const [id] of OPERATIONS) {
    if (built.has(id)) continue;
    app.route({
      ...op(id),
      handler: async () => {
        throw notImplemented(id);
      },
    });
  }
}
