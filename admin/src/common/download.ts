/** Hands a file to the browser's downloads. */
export function downloadBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.appendChild(link);
  link.click();
  link.remove();
  // the download has started from the URL by now; keep it a moment for slow browsers
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function downloadFile(content: string, fileName: string, type: string): void {
  downloadBlob(new Blob([content], { type }), fileName);
}
