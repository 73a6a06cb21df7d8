/*
 * `rx-communication-common/angular`: the credential in an Angular app (C28).
 *
 * Built by the same plain tsc as the rest of the package, ES modules only, and therefore made of
 * functions, InjectionTokens and an HttpInterceptorFn: no decorators. Those are runtime APIs that need
 * no Angular compiler, so the output is ordinary ESM that the Angular CLI bundles as it is, for any
 * Angular from 19 on. A decorated class (@Injectable, @Component) compiled by tsc would build without
 * a warning and then fail at run time in an AOT app ("JIT compiler unavailable"); it would need
 * ng-packagr's partial compilation instead. scripts/build.mjs fails the build if `__decorate` or
 * `ɵɵngDeclare` ever appears here.
 *
 * ES modules only because Angular ships nothing else (its typings are reachable only through
 * `exports`, which a CommonJS build cannot type-check against), and so that this entry shares the
 * one ESM copy of the credential with `rx-communication-common`: it imports the library's modules
 * relatively, never the main entry point, which in turn never imports Angular.
 */
export { communicationCredentialInterceptor } from "./communicationCredentialInterceptor.js";
export {
  injectCommunicationCredential,
  injectCredentialState,
  type InjectCredentialOptions,
} from "./injectCommunicationCredential.js";
export type { CommunicationCredentialOptions } from "./options.js";
export { provideCommunicationCredential } from "./provideCommunicationCredential.js";
