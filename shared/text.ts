// Characters no path or name from a face may carry: C0/C1 controls and DEL. A line break splits
// commands and logs, an escape sequence rewrites the terminal that prints it.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
export const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f]/;
