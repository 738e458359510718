// Preloaded into the bot by bench/memory.ts only (node --expose-gc --import): on SIGUSR2 the process
// runs two full collections, so the RSS sampled next is what the process retains, not the garbage
// V8 lets pile up between collections (which it gives back only after idle minutes).
const gc = (globalThis as { gc?: () => void }).gc;
process.on("SIGUSR2", () => {
  gc?.();
  gc?.();
});
