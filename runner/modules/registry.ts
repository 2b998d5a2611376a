import addHost from './add_host.js';
import apt from './apt.js';
import assertModule from './assert.js';
import blockinfile from './blockinfile.js';
import asyncStatus from './async_status.js';
import command from './command.js';
import copy from './copy.js';
import cron from './cron.js';
import debug from './debug.js';
import fail from './fail.js';
import fetch from './fetch.js';
import file from './file.js';
import find from './find.js';
import getUrl from './get_url.js';
import group from './group.js';
import groupBy from './group_by.js';
import helm from './helm.js';
import helmInfo from './helm_info.js';
import helmRepository from './helm_repository.js';
import includeVars from './include_vars.js';
import k8s from './k8s.js';
import k8sApply from './k8s_apply.js';
import k8sDrain from './k8s_drain.js';
import k8sInfo from './k8s_info.js';
import k8sScale from './k8s_scale.js';
import kubeconfigMerge from './kubeconfig_merge.js';
import lineinfile from './lineinfile.js';
import modprobe from './modprobe.js';
import packageModule from './package.js';
import packageFacts from './package_facts.js';
import pause from './pause.js';
import ping from './ping.js';
import type { ModuleDeclaration } from './module.js';
import preflight from './preflight.js';
import reboot from './reboot.js';
import replace from './replace.js';
import script from './script.js';
import service from './service.js';
import serviceFacts from './service_facts.js';
import setFact from './set_fact.js';
import setStats from './set_stats.js';
import { gatherFacts, setup } from './setup.js';
import shell from './shell.js';
import slurp from './slurp.js';
import stat from './stat.js';
import sysctl from './sysctl.js';
import systemd from './systemd.js';
import tempfile from './tempfile.js';
import template from './template.js';
import ufw from './ufw.js';
import uri from './uri.js';
import user from './user.js';
import unarchive from './unarchive.js';
import waitFor from './wait_for.js';

/** Every module a task can name, by its short name ('ansible.builtin.X' resolves to 'X'). */
export const modules: ReadonlyMap<string, ModuleDeclaration> = new Map(
  [
    addHost,
    apt,
    assertModule,
    blockinfile,
    asyncStatus,
    command,
    copy,
    cron,
    debug,
    fail,
    fetch,
    file,
    find,
    gatherFacts,
    getUrl,
    group,
    groupBy,
    helm,
    helmInfo,
    helmRepository,
    includeVars,
    k8s,
    k8sApply,
    k8sDrain,
    k8sInfo,
    k8sScale,
    kubeconfigMerge,
    lineinfile,
    modprobe,
    packageModule,
    packageFacts,
    pause,
    ping,
    preflight,
    reboot,
    replace,
    script,
    service,
    serviceFacts,
    setFact,
    setStats,
    setup,
    shell,
    slurp,
    stat,
    sysctl,
    systemd,
    tempfile,
    template,
    ufw,
    unarchive,
    uri,
    user,
    waitFor,
  ].map((module) => [module.name, module]),
);
/** Keys that name engine actions rather than modules. */
export const ENGINE_ACTIONS = ['meta', 'include_tasks'] as const;

const byCollectionName = new Map([...modules.values()].flatMap((module) => (module.collectionNames ?? []).map((name) => [name, module.name])));

/** A task's module key as the registry names it: 'ansible.builtin.copy' and 'copy' are 'copy', 'ansible.posix.sysctl' is 'sysctl'. */
export function resolveModuleName(key: string): string {
  return byCollectionName.get(key) ?? key.replace(/^ansible\.(builtin|legacy)\./, '');
}
