// Bundled for the sandbox: the scenario client on real luch-request, which calls the global `uni` (built on wx).
export { startLuchRequest as start } from '../../adapters/drivers/luch-request.ts'
