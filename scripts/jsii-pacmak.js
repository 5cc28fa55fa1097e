#!/usr/bin/env node
/*
 * jsii-pacmak with one fix to its Java generator (jsii-pacmak 1.140.0, the newest release):
 * the setters of a construct's fluent builder (`ResourceDataSync.Builder.create(scope, id).syncName(...)`)
 * are documented from a stand-in method whose one parameter carries no `optional` flag, so the
 * Javadoc of every setter ends in "This parameter is required.", optional or not (about 140 of them
 * here). The struct builders (`SyncSourceOptions.builder()`) pass the flag and are right.
 *
 * The fix gives that stand-in parameter the optionality of the property it sets, read from the
 * assembly, before jsii-pacmak writes the Javadoc. Everything else is jsii-pacmak's own CLI.
 * Checked by examples/registries.test.ts (the sources jar: "required" exactly on required
 * properties). Drop this wrapper when jsii-pacmak sets the flag itself.
 */
const java = require('jsii-pacmak/lib/targets/java');

const Java = java.default;
// JavaGenerator is not exported: take its prototype from a generator made with no assembly (its
// constructor only stores options).
const generator = new Java({ arguments: {}, assembly: undefined, packageDir: '.', targetName: 'java' }).generator;
const proto = Object.getPrototypeOf(generator);
if (typeof proto.addJavaDocs !== 'function' || typeof proto.paramJavadoc !== 'function') {
  throw new Error('scripts/jsii-pacmak.js: jsii-pacmak\'s JavaGenerator changed (no addJavaDocs/paramJavadoc): check whether the fix is still needed');
}
const addJavaDocs = proto.addJavaDocs;
proto.addJavaDocs = function (doc, apiLoc, ...rest) {
  const params = doc.parameters ?? [];
  // The builder setter's stand-in: one parameter named like the method, returning `this`, no flag.
  if (apiLoc?.api === 'member' && doc.docs?.returns === '{@code this}' && params.length === 1
    && params[0].optional === undefined && params[0].name === doc.name) {
    const type = this.reflectAssembly?.system.tryFindFqn(apiLoc.fqn);
    const property = type?.allProperties?.find(p => p.name === apiLoc.memberName);
    if (property) {
      doc = { ...doc, parameters: [{ ...params[0], optional: property.optional }] };
    }
  }
  return addJavaDocs.call(this, doc, apiLoc, ...rest);
};

require('jsii-pacmak/bin/jsii-pacmak.js');
