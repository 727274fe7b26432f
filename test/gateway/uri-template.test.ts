/** WSO2 URI templates: literal segments, `{param}` segments, `/*` wildcards, and which template is more specific. */
import { describe, expect, it } from 'vitest';
import { compileTemplate } from '../../src/gateway/routing/uri-template.js';

describe('compileTemplate', () => {
  it('matches a literal template exactly, with or without a trailing slash', () => {
    const t = compileTemplate('/menu');
    expect(t.match('/menu')).toEqual({});
    expect(t.match('/menu/')).toEqual({});
    expect(t.match('/menus')).toBeUndefined();
    expect(t.match('/menu/pizza')).toBeUndefined();
    expect(t.match('/')).toBeUndefined();
  });

  it('treats regular-expression characters in literals as literals', () => {
    const t = compileTemplate('/v1.2/a+b/(x)');
    expect(t.match('/v1.2/a+b/(x)')).toEqual({});
    expect(t.match('/v1x2/a+b/(x)')).toBeUndefined();
    expect(t.match('/v1.2/aab/(x)')).toBeUndefined();
    expect(t.match('/v1.2/a+b/x')).toBeUndefined();
  });

  it('binds each {param} to one whole, non-empty path segment', () => {
    const t = compileTemplate('/orders/{orderId}/lines/{lineNo}');
    expect(t.match('/orders/42/lines/7')).toEqual({ orderId: '42', lineNo: '7' });
    expect(t.match('/orders/a%20b/lines/x.y')).toEqual({ orderId: 'a%20b', lineNo: 'x.y' });
    expect(t.match('/orders/42/lines/7/')).toEqual({ orderId: '42', lineNo: '7' });
    expect(t.match('/orders//lines/7')).toBeUndefined();
    expect(t.match('/orders/4/2/lines/7')).toBeUndefined();
    expect(t.match('/orders/42/lines')).toBeUndefined();
  });

  it('binds parameters mixed with literals inside one segment', () => {
    const t = compileTemplate('/files/{name}.{ext}');
    expect(t.match('/files/report.pdf')).toEqual({ name: 'report', ext: 'pdf' });
    expect(t.match('/files/report')).toBeUndefined();
  });

  it('/* matches every path, the root included', () => {
    const t = compileTemplate('/*');
    for (const path of ['/', '/a', '/a/b/c', '/a/b/c/']) expect(t.match(path), path).toEqual({});
  });

  it('a trailing /* matches the prefix itself and anything below it, not a longer segment', () => {
    const t = compileTemplate('/static/*');
    expect(t.match('/static')).toEqual({});
    expect(t.match('/static/')).toEqual({});
    expect(t.match('/static/css/site.css')).toEqual({});
    expect(t.match('/statics/x')).toBeUndefined();
    expect(t.match('/other')).toBeUndefined();
  });

  it('parameters before a wildcard are bound', () => {
    const t = compileTemplate('/users/{id}/*');
    expect(t.match('/users/7/photos/1')).toEqual({ id: '7' });
    expect(t.match('/users/7')).toEqual({ id: '7' });
  });

  it('ranks literal segments above parameters, and parameters above wildcards', () => {
    const literal = compileTemplate('/menu/special');
    const param = compileTemplate('/menu/{id}');
    const wildcard = compileTemplate('/menu/*');
    const root = compileTemplate('/*');
    expect(literal.specificity).toBeGreaterThan(param.specificity);
    expect(param.specificity).toBeGreaterThan(wildcard.specificity);
    expect(wildcard.specificity).toBeGreaterThan(root.specificity);
    // A longer literal path is more specific than a shorter one with a parameter.
    expect(compileTemplate('/a/b/c').specificity).toBeGreaterThan(compileTemplate('/a/{x}/c').specificity);
    expect(literal.template).toBe('/menu/special');
  });
});
