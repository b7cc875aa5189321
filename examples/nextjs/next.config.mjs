/** @type {import('next').NextConfig} */
export default {
  // Switchboard's packages are plain Node ESM: load them from node_modules, do not bundle them.
  serverExternalPackages: ['@switchboard/core', '@switchboard/twilio', '@switchboard/whatsapp'],
};
