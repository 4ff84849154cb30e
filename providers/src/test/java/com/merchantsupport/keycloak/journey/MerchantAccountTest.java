package com.merchantsupport.keycloak.journey;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;

class MerchantAccountTest {

    @Test
    void anUnvouchedProviderIsListedOnceInTheOrderOfItsLinks() {
        assertEquals(List.of("google"), MerchantAccount.withAlias(List.of(), "google"));
        assertEquals(List.of("google"), MerchantAccount.withAlias(List.of("google"), "google"));
        assertEquals(List.of("google", "github"), MerchantAccount.withAlias(List.of("google"), "github"));
        assertEquals(List.of("google"), MerchantAccount.withAlias(List.of("google"), " "));
        assertEquals(List.of("google"), MerchantAccount.withAlias(List.of("google"), null));
    }
}
