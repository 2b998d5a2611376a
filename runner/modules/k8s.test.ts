import test from 'ava';
import { definitionObjects, kubectlType } from './k8s.js';

test("a definition's objects: YAML documents, one object or a list; the namespace given fills in where none is named", (t) => {
  const text = 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: a }\n---\napiVersion: v1\nkind: Secret\nmetadata: { name: b, namespace: kept }\n---\n';
  t.deepEqual(
    definitionObjects(text, 'apps').map((o) => `${o.kind}/${o.metadata?.namespace}/${o.metadata?.name}`),
    ['ConfigMap/apps/a', 'Secret/kept/b'],
  );
  t.deepEqual(definitionObjects({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'x' } }), [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'x' } },
  ]);
  t.is(definitionObjects([{ kind: 'A' }, { kind: 'B' }]).length, 2);
  t.throws(() => definitionObjects('kind: [unclosed'), { message: /^the definition is not valid YAML: / });
});

test('kubectl names a type by its kind, with the API group when it has one', (t) => {
  t.is(kubectlType({ apiVersion: 'apps/v1', kind: 'Deployment' }), 'Deployment.apps');
  t.is(kubectlType({ apiVersion: 'v1', kind: 'ConfigMap' }), 'ConfigMap');
  t.is(kubectlType({ apiVersion: 'monitoring.coreos.com/v1', kind: 'ServiceMonitor' }), 'ServiceMonitor.monitoring.coreos.com');
});
