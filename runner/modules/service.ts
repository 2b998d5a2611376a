import { defineSystemdModule } from './systemd.js';

/** Ansible's generic service module; on the hosts this product supports, that is systemd. */
export default defineSystemdModule('service', { service: true });
