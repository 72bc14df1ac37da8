// The platform settings certificate services need outside a request (public address for QR codes and links).

let baseUrl = 'http://localhost:3000';

/** Called by the certificate router factory (and scripts) with config.BASE_URL before anything is issued. */
export function setCertificateBaseUrl(url: string): void {
  baseUrl = url.replace(/\/+$/, '');
}

/** The public address verification links and credential ids are built on. */
export function certificateBaseUrl(): string {
  return baseUrl;
}
