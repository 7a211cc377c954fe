// Module features that decode and validate but cannot be emitted yet would get a
// clear CompileError here, before any output exists. Nothing is in that state now.
import type { Module } from '../ir.js';

export function checkEmittable(_m: Module): void {}
