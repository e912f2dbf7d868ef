import { fileURLToPath } from 'node:url';

// The npm workspace's root (`sdks/`), where `next` and `react` are installed once.
const workspaceRoot = fileURLToPath(new URL('../..', import.meta.url));

/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  turbopack: { root: workspaceRoot },
  outputFileTracingRoot: workspaceRoot,
  // No AGENTS.md written into the app by `next dev`.
  agentRules: false,
  experimental: { agentUpgrade: false },
};

export default nextConfig;
