/**
 * Loaded into every node process of a hub student (NODE_OPTIONS=--require ...); acts only in a
 * tslab kernel (the kernelspec's launch.cjs). The hub's servers start kernels with
 * KernelManager.transport=ipc: the five ZeroMQ sockets are Unix sockets in the student's own
 * runtime folder (mode 700) instead of TCP ports of 127.0.0.1 that any other student could connect
 * to and read IOPub (every cell's output) from.
 *
 * Jupyter names an ipc socket `ipc://<ip>-<port>`, but tslab 1.0 writes `<transport>://<ip>:<port>`
 * for every transport, so its sockets would sit where Jupyter never looks. This puts tslab's bind
 * on Jupyter's name; with tcp it changes nothing.
 */
"use strict";
const { join } = require("path");

if (/launch\.cjs$/.test(process.argv[1] || "")) {
  const { ZmqServer } = require(join(__dirname, "node_modules", "tslab", "dist", "jupyter.js"));
  const bindSocket = ZmqServer.prototype.bindSocket;
  ZmqServer.prototype.bindSocket = async function (sock, port) {
    if (this.connInfo && this.connInfo.transport === "ipc") return sock.bind(`ipc://${this.connInfo.ip}-${port}`);
    return bindSocket.call(this, sock, port);
  };
}
