// The rxjs classes that code loaded up front uses, imported from their own modules rather than from
// the "rxjs" index. Why: a bundler that splits code (esbuild, and so the Angular CLI) places every
// rxjs module that any chunk uses in a chunk loaded up front as soon as the entry imports the index,
// which re-exports them all. Imported this way, the operators of the refresh pipeline (a lazy chunk,
// refresh/refreshPipeline.ts) stay with it: an app that imports only the credential loads about 5 KB
// (min+gzip) less before it starts. rxjs 7 exports these paths ("./internal/*" in its package.json);
// they are the same modules the index re-exports, so the classes are the same.

export { BehaviorSubject } from "rxjs/internal/BehaviorSubject";
export { Observable } from "rxjs/internal/Observable";
export { Subscription } from "rxjs/internal/Subscription";
