import sharp from 'sharp';

/**
 * Write a single-page, uncompressed, 16-bit greyscale TIFF. A Uint16Array input makes sharp read the
 * raw pixels as 16-bit, but without `toColourspace('grey16')` it still converts the output to 8-bit
 * sRGB (three channels); instruments write uncompressed 16-bit, so we do too.
 */
export async function writeTiff16(file: string, pixels: Uint16Array, width: number, height: number): Promise<void> {
  await sharp(pixels, { raw: { width, height, channels: 1 } })
    .toColourspace('grey16')
    .tiff({ compression: 'none' })
    .toFile(file);
}

/** Pixels of a 16-bit greyscale image, for checks. */
export async function readTiff16(file: string): Promise<{ pixels: Uint16Array; width: number; height: number; depth: string | undefined }> {
  const img = sharp(file);
  const meta = await img.metadata();
  const buf = await img.toColourspace('grey16').raw({ depth: 'ushort' }).toBuffer();
  const pixels = new Uint16Array(buf.buffer, buf.byteOffset, buf.byteLength / 2);
  return { pixels, width: meta.width ?? 0, height: meta.height ?? 0, depth: meta.depth };
}
