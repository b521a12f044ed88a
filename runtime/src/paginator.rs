//! Paginators as `Stream`s of pages and of items, following botocore's rules: stop on
//! an absent or empty token, fail when the service repeats a token.

use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_core::Stream;

use crate::error::SdkError;
use crate::operation::{PageToken, Paginated};
use crate::Client;

type PageFuture<O> = Pin<
    Box<
        dyn Future<
                Output = Result<
                    <O as crate::operation::Operation>::Output,
                    SdkError<<O as crate::operation::Operation>::Error>,
                >,
            > + Send,
    >,
>;

/// A stream of pages of a paginated operation.
pub struct Paginator<O: Paginated> {
    client: Client,
    input: O,
    state: State<O>,
    last_token: Option<O::Token>,
}

enum State<O: Paginated> {
    Ready,
    Fetching(PageFuture<O>),
    Done,
}

impl<O: Paginated> Paginator<O> {
    /// A paginator starting from `input` (its token, if set, is the starting token).
    // Hidden: generated `into_paginator` methods build it.
    #[doc(hidden)]
    pub fn new(client: Client, input: O) -> Self {
        Paginator {
            client,
            input,
            state: State::Ready,
            last_token: None,
        }
    }

    /// Sets the number of results per page (the operation's limit key).
    pub fn page_size(mut self, size: i32) -> Self {
        self.input.set_page_size(size);
        self
    }

    /// A stream of the result items of every page.
    pub fn items(self) -> Items<O> {
        Items {
            pages: self,
            buffer: VecDeque::new(),
        }
    }
}

impl<O: Paginated> Unpin for Paginator<O> {}

impl<O: Paginated> Stream for Paginator<O> {
    type Item = Result<O::Output, SdkError<O::Error>>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            match &mut this.state {
                State::Done => return Poll::Ready(None),
                State::Ready => {
                    let client = this.client.clone();
                    let input = this.input.clone();
                    this.state =
                        State::Fetching(Box::pin(async move { client.call(&input).await }));
                }
                State::Fetching(fut) => {
                    let result = match fut.as_mut().poll(cx) {
                        Poll::Pending => return Poll::Pending,
                        Poll::Ready(r) => r,
                    };
                    let output = match result {
                        Ok(o) => o,
                        Err(e) => {
                            this.state = State::Done;
                            return Poll::Ready(Some(Err(e)));
                        }
                    };
                    let token = O::next_token(&output).filter(|t| !t.is_empty()).cloned();
                    match token {
                        Some(t) if O::more_results(&output) => {
                            if this.last_token.as_ref() == Some(&t) {
                                this.state = State::Done;
                                return Poll::Ready(Some(Err(SdkError::InvalidInput {
                                    operation: O::NAME,
                                    message: "the same next token was received twice".into(),
                                })));
                            }
                            this.input.set_token(Some(t.clone()));
                            this.last_token = Some(t);
                            this.state = State::Ready;
                        }
                        _ => this.state = State::Done,
                    }
                    return Poll::Ready(Some(Ok(output)));
                }
            }
        }
    }
}

/// A stream of the result items of every page of a paginated operation.
pub struct Items<O: Paginated> {
    pages: Paginator<O>,
    buffer: VecDeque<O::Item>,
}

impl<O: Paginated> Unpin for Items<O> {}

impl<O: Paginated> Stream for Items<O> {
    type Item = Result<O::Item, SdkError<O::Error>>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if let Some(item) = this.buffer.pop_front() {
                return Poll::Ready(Some(Ok(item)));
            }
            match Pin::new(&mut this.pages).poll_next(cx) {
                Poll::Ready(Some(Ok(page))) => this.buffer.extend(O::into_items(page)),
                Poll::Ready(Some(Err(e))) => return Poll::Ready(Some(Err(e))),
                Poll::Ready(None) => return Poll::Ready(None),
                Poll::Pending => return Poll::Pending,
            }
        }
    }
}
