// These two CommonJS packages ship no types; only what png.ts uses is declared.

declare module 'png-chunks-extract' {
  interface PngChunk {
    name: string;
    data: Uint8Array;
  }
  /** Splits a PNG into its chunks, checking the signature and every CRC. */
  function extractChunks(data: Uint8Array): PngChunk[];
  export = extractChunks;
}

declare module 'png-chunks-encode' {
  interface PngChunk {
    name: string;
    data: Uint8Array;
  }
  /** Writes the signature and the chunks, computing each CRC. */
  function encodeChunks(chunks: readonly PngChunk[]): Uint8Array;
  export = encodeChunks;
}
