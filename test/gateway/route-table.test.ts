/**
 * The routing table: APIs found by context (with the version, or bare for the default version), by whole
 * segments, longest context first, on the vhost they are deployed on; operations matched by verb and template,
 * the most specific template first.
 */
import { describe, expect, it } from 'vitest';
import { matchOperation, RouteTable } from '../../src/gateway/routing/route-table.js';
import { deployedApi } from './fixtures.js';

describe('RouteTable.find', () => {
  it('finds an API by its context with the version, and gives the rest of the path', () => {
    const pizza = deployedApi({ name: 'pizza', context: '/pizza', version: '1.0.0' });
    const table = new RouteTable([pizza], 60_000);
    expect(table.size).toBe(1);
    const found = table.find('localhost', '/pizza/1.0.0/menu/3');
    expect(found?.route.deployed).toBe(pizza);
    expect(found?.route.context).toBe('/pizza/1.0.0');
    expect(found?.resourcePath).toBe('/menu/3');
    expect(table.find('localhost', '/pizza/1.0.0')?.resourcePath).toBe('');
    expect(table.find('localhost', '/pizza/1.0.0/')?.resourcePath).toBe('/');
  });

  it('matches whole segments only, and never the bare context of a version that is not the default', () => {
    const table = new RouteTable(
      [deployedApi({ name: 'pizza', context: '/pizza', version: '1.0.0' })],
      60_000,
    );
    expect(table.find('localhost', '/pizza/1.0.0x/menu')).toBeUndefined();
    expect(table.find('localhost', '/pizza/1.0')).toBeUndefined();
    expect(table.find('localhost', '/pizzas/1.0.0/menu')).toBeUndefined();
    expect(table.find('localhost', '/pizza/menu')).toBeUndefined();
    expect(table.find('localhost', '/pizza')).toBeUndefined();
    expect(table.find('localhost', '/')).toBeUndefined();
  });

  it('answers the default version on the bare context too', () => {
    const v1 = deployedApi({ name: 'shop', context: '/shop', version: '1.0.0', isDefaultVersion: true });
    const v2 = deployedApi({ name: 'shop2', context: '/shop', version: '2.0.0' });
    const table = new RouteTable([v1, v2], 60_000);
    expect(table.size).toBe(3);
    expect(table.find('localhost', '/shop/items')?.route.deployed).toBe(v1);
    expect(table.find('localhost', '/shop/items')?.route.context).toBe('/shop');
    expect(table.find('localhost', '/shop/items')?.resourcePath).toBe('/items');
    expect(table.find('localhost', '/shop/1.0.0/items')?.route.deployed).toBe(v1);
    expect(table.find('localhost', '/shop/2.0.0/items')?.route.deployed).toBe(v2);
  });

  it('puts the version where the context has {version}', () => {
    const api = deployedApi({ name: 'store', context: '/store/{version}/pets', version: '2.1' });
    const table = new RouteTable([api], 60_000);
    expect(table.find('localhost', '/store/2.1/pets/7')?.resourcePath).toBe('/7');
    expect(table.find('localhost', '/store/pets/7')).toBeUndefined();
    const defaulted = new RouteTable(
      [deployedApi({ name: 'store2', context: '/s/{version}/p', version: '3', isDefaultVersion: true })],
      60_000,
    );
    expect(defaulted.find('localhost', '/s/p/x')?.resourcePath).toBe('/x');
    expect(defaulted.find('localhost', '/s/3/p/x')?.resourcePath).toBe('/x');
  });

  it('prefers the longest context when one context begins another', () => {
    const outer = deployedApi({ name: 'outer', context: '/a', version: 'v1' });
    const inner = deployedApi({ name: 'inner', context: '/a/v1/b', version: 'v2' });
    const table = new RouteTable([outer, inner], 60_000);
    expect(table.find('localhost', '/a/v1/b/v2/x')?.route.deployed).toBe(inner);
    expect(table.find('localhost', '/a/v1/b/x')?.route.deployed).toBe(outer);
    expect(table.find('localhost', '/a/v1/b/x')?.resourcePath).toBe('/b/x');
  });

  it('on an API vhost serves only the APIs of that vhost; any other host reaches every vhost', () => {
    const local = deployedApi({ name: 'local', context: '/same' }, { vhost: 'localhost' });
    const other = deployedApi({ name: 'other', context: '/other' }, { vhost: 'gw.example.com' });
    const table = new RouteTable([local, other], 60_000);
    expect(table.byHost).toBe(true);
    expect(table.find('localhost', '/same/1.0.0/x')?.route.deployed).toBe(local);
    expect(table.find('localhost', '/other/1.0.0/x')).toBeUndefined();
    expect(table.find('gw.example.com', '/other/1.0.0/x')?.route.deployed).toBe(other);
    expect(table.find('gw.example.com', '/same/1.0.0/x')).toBeUndefined();
    expect(table.find('127.0.0.1', '/same/1.0.0/x')?.route.deployed).toBe(local);
    expect(table.find('10.1.2.3', '/other/1.0.0/x')?.route.deployed).toBe(other);
  });

  it('with one vhost the host changes nothing: the gateway need not read it', () => {
    const local = deployedApi({ name: 'local', context: '/same' }, { vhost: 'localhost' });
    const table = new RouteTable([local], 60_000);
    expect(table.byHost).toBe(false);
    for (const host of ['localhost', 'gw.example.com', '']) {
      expect(table.find(host, '/same/1.0.0/x')?.route.deployed).toBe(local);
    }
  });

  it('holds the transports the API lists, both when it lists none', () => {
    const routeOf = (transport: ('http' | 'https')[] | undefined) =>
      new RouteTable(
        [deployedApi({ name: 'pizza', context: '/pizza', version: '1.0.0', transport })],
        60_000,
      ).find('localhost', '/pizza/1.0.0/menu')?.route.transports;
    expect(routeOf(['https'])).toEqual({ http: false, https: true });
    expect(routeOf(['http'])).toEqual({ http: true, https: false });
    expect(routeOf(['http', 'https'])).toEqual({ http: true, https: true });
    expect(routeOf(undefined)).toEqual({ http: true, https: true });
  });

  it('an empty table finds nothing', () => {
    const table = new RouteTable([], 60_000);
    expect(table.size).toBe(0);
    expect(table.find('localhost', '/anything')).toBeUndefined();
  });
});

describe('matchOperation', () => {
  const api = deployedApi({
    name: 'menu',
    operations: [
      { target: '/*', verb: 'GET' },
      { target: '/items/{id}', verb: 'GET' },
      { target: '/items/special', verb: 'GET' },
      { target: '/items', verb: 'POST' },
      { target: '/', verb: 'DELETE' },
    ],
  });
  const route = new RouteTable([api], 60_000).find('localhost', '/menu/1.0.0')!.route;

  it('picks the most specific template of the verb, with its parameters', () => {
    expect(matchOperation(route, 'GET', '/items/special')?.operation.operation.target).toBe('/items/special');
    const byId = matchOperation(route, 'GET', '/items/42');
    expect(byId?.operation.operation.target).toBe('/items/{id}');
    expect(byId?.params).toEqual({ id: '42' });
    expect(matchOperation(route, 'GET', '/elsewhere/deep')?.operation.operation.target).toBe('/*');
  });

  it('matches the verb exactly', () => {
    expect(matchOperation(route, 'POST', '/items')?.operation.operation.target).toBe('/items');
    expect(matchOperation(route, 'POST', '/items/1')).toBeUndefined();
    expect(matchOperation(route, 'PUT', '/items')).toBeUndefined();
    expect(matchOperation(route, 'get', '/items/1')).toBeUndefined();
  });

  it('an empty resource path is the root', () => {
    expect(matchOperation(route, 'DELETE', '')?.operation.operation.target).toBe('/');
    expect(matchOperation(route, 'DELETE', '/')?.operation.operation.target).toBe('/');
    expect(matchOperation(route, 'GET', '')?.operation.operation.target).toBe('/*');
  });
});

describe('backends compiled with the routes', () => {
  it('holds each key type’s backends, shared by the versioned and the default-version route', () => {
    const api = deployedApi({
      name: 'balanced',
      isDefaultVersion: true,
      operations: [{ target: '/*', verb: 'GET', authType: 'Any' }],
      endpointConfig: {
        endpoint_type: 'load_balance',
        production_endpoints: [{ url: 'http://a.test:8080/v1' }, { url: 'http://b.test:8080/v1' }],
      },
    });
    const table = new RouteTable([api], 1234);
    const versioned = table.find('localhost', '/balanced/1.0.0/x')?.route;
    const bare = table.find('localhost', '/balanced/x')?.route;
    expect(versioned && bare && versioned !== bare).toBe(true);
    expect(versioned?.backends.SANDBOX).toBeUndefined();
    // One rotation across both routes: a, b, a.
    const turns = [versioned, bare, versioned].map((r) => r?.backends.PRODUCTION?.next()[0]?.origin);
    expect(turns).toEqual(['http://a.test:8080', 'http://b.test:8080', 'http://a.test:8080']);
    expect(versioned?.backends.PRODUCTION?.next()[0]?.timeout).toBe(1234);
  });

  it('names each operation as request events do', () => {
    const table = new RouteTable(
      [deployedApi({ name: 'labels', operations: [{ target: '/menu/{id}', verb: 'GET' }] })],
      1,
    );
    const route = table.find('localhost', '/labels/1.0.0/menu/1')?.route;
    expect(route && matchOperation(route, 'GET', '/menu/1')?.operation.label).toBe('GET /menu/{id}');
  });

  it('leaves out an endpoint whose URL does not parse, instead of failing every route', () => {
    const broken = deployedApi({
      name: 'broken',
      endpointConfig: { endpoint_type: 'http', production_endpoints: { url: 'not a url' } },
    });
    const table = new RouteTable([broken, deployedApi({ name: 'fine' })], 1);
    expect(table.find('localhost', '/broken/1.0.0/x')?.route.backends.PRODUCTION).toBeUndefined();
    expect(table.find('localhost', '/fine/1.0.0/x')?.route.backends.PRODUCTION).toBeDefined();
  });
});
